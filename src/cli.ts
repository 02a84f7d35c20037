import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import { createKeyRing, loadOrCreateMasterKey } from './crypto/keys.js';
import { ReceiptSigner, type PublicJwk } from './crypto/receipt-signer.js';
import { checkReceiptFile } from './services/gateway/receipt-check.js';
import { IysRequestError } from './domain/iys-errors.js';
import { parseWireDate } from './domain/wire-date.js';
import { prepareRuntime } from './runtime.js';
import { AdminError } from './services/provider.service.js';
import { witnessConsistency } from './services/log-witness.js';
import { verifyLogReceipt } from './crypto/log-verify.js';
import { createSystem, type System } from './system.js';

const USAGE = `openiys admin CLI

  openiys migrate                                   apply pending database migrations
  openiys seed-demo                                 create the sandbox providers if the database is empty
  openiys provider add --iys-code N --title T [--kind TUZEL|GERCEK] [--activated "YYYY-MM-DD HH:mm:ss"]
  openiys brand add --iys-code N --brand-code N --name T [--master]
  openiys user add --iys-code N --username U [--password P]   (a password is generated when omitted)
  openiys regulator-key add --name NAME [--role admin|regulator]   an API key for /api/regulator (shown once)
  openiys gateway add --name NAME --channels MESAJ,ARAMA [--detail] [--closes-lines]
                                                         an AHS (message gateway) account; secrets shown once;
                                                         --detail: its answers carry reason and since;
                                                         --closes-lines: an operator that may report line closures
  openiys application list [--status pending|approved|rejected]   provider applications
  openiys application approve ID                   create the provider, its master brand, and invite its admin
  openiys application reject ID --reason TEXT      the applicant is told the reason by e-mail
  openiys verify-receipt FILE [--jwks KEYS.json]    check a saved gateway answer and its signed receipt
  openiys log audit                                 recompute every consent event's leaf, rebuild the transparency
                                                         log's tree, check every signed head and the projection;
                                                         exits 1 when anything was rewritten
  openiys log verify-receipt FILE [--jwks KEYS.json]  check a consent receipt offline (leaf, audit path, signed
                                                         head); without --jwks, against this registry's keys
  openiys log consistency --from HEAD.json [--url URL] [--jwks KEYS.json] [--save]
                                                         as a witness: check that the registry's current head
                                                         extends a head saved earlier; --save keeps the new one
  openiys log rotate-key                             sign new tree heads with the next key version (old keys
                                                         stay published, so old heads still verify)

The database is DATABASE_URL's, or the embedded one in OPENIYS_DATA_DIR: while the server runs, the CLI
attaches to its database; otherwise it starts the database for the command and stops it afterwards.`;

function requireInt(value: string | undefined, name: string): number {
  if (!value || !/^\d+$/.test(value)) throw new AdminError(`--${name} must be a positive integer`);
  return Number(value);
}

function requireText(value: string | undefined, name: string): string {
  if (!value?.trim()) throw new AdminError(`--${name} is required`);
  return value.trim();
}

async function run(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'iys-code': { type: 'string' },
      'brand-code': { type: 'string' },
      title: { type: 'string' },
      kind: { type: 'string' },
      activated: { type: 'string' },
      name: { type: 'string' },
      master: { type: 'boolean' },
      detail: { type: 'boolean' },
      'closes-lines': { type: 'boolean' },
      username: { type: 'string' },
      password: { type: 'string' },
      channels: { type: 'string' },
      role: { type: 'string' },
      status: { type: 'string' },
      reason: { type: 'string' },
      jwks: { type: 'string' },
      from: { type: 'string' },
      url: { type: 'string' },
      save: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  // `application approve ID`: the id is an argument, not part of the command's name.
  const applicationId = positionals[0] === 'application' ? positionals[2] : undefined;
  const command = positionals.slice(0, applicationId === undefined ? undefined : 2).join(' ');
  if (values.help || command === '' || command === 'help') return void console.log(USAGE);

  if (positionals[0] === 'verify-receipt' && positionals.length === 2) {
    return verifyReceiptFile(positionals[1]!, values.jwks);
  }
  if (command.startsWith('log verify-receipt ') && positionals.length === 3) {
    return verifyLogReceiptFile(positionals[2]!, values.jwks);
  }
  if (command === 'log consistency') {
    return witness(
      requireText(values.from, 'from'),
      values.url ?? loadConfig().publicUrl,
      values.jwks,
      values.save,
    );
  }
  const known = [
    'migrate',
    'seed-demo',
    'provider add',
    'brand add',
    'user add',
    'regulator-key add',
    'gateway add',
    'application list',
    'application approve',
    'application reject',
    'log audit',
    'log rotate-key',
  ];
  if (!known.includes(command)) throw new AdminError(`Unknown command "${command}"\n\n${USAGE}`);

  const config = loadConfig();
  const logger = pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const runtime = await prepareRuntime(config, logger, 'admin');
  if (command === 'migrate') {
    console.log('database is up to date');
    return void (await runtime.embedded?.stop());
  }

  const system = await createSystem({ ...runtime, logger, workers: false, serve: false, messaging: config });
  // Everything the command line creates is in the audit log, under the OS user who ran it.
  const audited = (action: string, target: string, details: Record<string, unknown>) =>
    system.regulator.record(cliStaff(), action, target, details);
  try {
    const admin = system.providerAdmin;
    if (command === 'seed-demo') {
      if (!config.sandbox)
        throw new AdminError('seed-demo creates accounts with published passwords: sandbox only');
      console.log(
        (await admin.seedDemo())
          ? 'sandbox providers created'
          : 'database already has providers; nothing done',
      );
    } else if (command === 'provider add') {
      let activatedAt: Date | undefined;
      if (values.activated) {
        const parsed = parseWireDate(values.activated);
        if (!parsed.ok) throw new AdminError('--activated must be "YYYY-MM-DD HH:mm:ss" (Türkiye time)');
        activatedAt = parsed.date;
      }
      const kind = values.kind ?? 'TUZEL';
      if (kind !== 'TUZEL' && kind !== 'GERCEK') throw new AdminError('--kind must be TUZEL or GERCEK');
      const provider = await admin.addProvider({
        iysCode: requireInt(values['iys-code'], 'iys-code'),
        title: requireText(values.title, 'title'),
        kind,
        activatedAt,
      });
      await audited('provider.add', `provider:${provider.iys_code}`, { title: provider.title, kind });
      console.log(`provider ${provider.iys_code} "${provider.title}" created (active)`);
    } else if (command === 'brand add') {
      const brand = await admin.addBrand(
        requireInt(values['iys-code'], 'iys-code'),
        requireInt(values['brand-code'], 'brand-code'),
        requireText(values.name, 'name'),
        values.master ?? false,
      );
      await audited('brand.add', `brand:${brand.brand_code}`, { name: brand.name });
      console.log(`brand ${brand.brand_code} "${brand.name}" created`);
    } else if (command === 'gateway add') {
      const channels = requireText(values.channels, 'channels')
        .split(',')
        .map((c) => c.trim().toUpperCase());
      const account = await system.gateway
        .addAccount(requireText(values.name, 'name'), channels, {
          seesDetail: values.detail ?? false,
          closesLines: values['closes-lines'] ?? false,
        })
        .catch((error: Error) => {
          throw new AdminError(error.message);
        });
      await audited('gateway-account.add', `gateway-account:${account.username}`, {
        name: values.name,
        channels,
        seesDetail: values.detail ?? false,
        closesLines: values['closes-lines'] ?? false,
      });
      console.log(
        `Gateway account created (channels ${channels.join(', ')}${values.detail ? ', with reason and since' : ''}). ` +
          `Shown once, stored only as hashes:\n` +
          `  HTTP Basic: ${account.username} / ${account.password}\n  Bearer token: ${account.token}`,
      );
    } else if (command === 'log audit') {
      const report = await system.transparencyLog.audit();
      console.log(`${report.leaves} leaves, ${report.heads} signed heads checked`);
      for (const problem of report.problems) console.log(`  ${problem}`);
      if (report.unlisted > 0) console.log(`  … and ${report.unlisted} more`);
      if (report.problems.length > 0) throw new AdminError('the transparency log audit found problems');
      console.log('the log, its heads and the consent projection agree');
    } else if (command === 'log rotate-key') {
      const { version, jwk } = await system.transparencyLog.rotateKey();
      await audited('log.rotate-key', `log-key:${version}`, { kid: jwk.kid });
      console.log(`key version ${version} (kid ${jwk.kid}) signs new heads; the older keys stay published`);
    } else if (command.startsWith('application ')) {
      await runApplicationCommand(system, command, applicationId, values);
    } else if (command === 'regulator-key add') {
      const role = values.role ?? 'regulator';
      if (role !== 'admin' && role !== 'regulator') throw new AdminError('--role must be admin or regulator');
      const key = await system.regulator.addKey(requireText(values.name, 'name'), role);
      await audited('regulator-key.add', `regulator-key:${values.name}`, { role });
      console.log(`Regulator API key (shown once, stored only as a SHA-256 hash):\n  ${key}`);
    } else {
      const user = await admin.addApiUser(
        requireInt(values['iys-code'], 'iys-code'),
        requireText(values.username, 'username'),
        values.password,
      );
      await audited('api-user.add', `provider:${values['iys-code']}`, { username: user.username });
      console.log(
        `API user created. Shown once, stored only as an argon2id hash:\n  username: ${user.username}\n  password: ${user.password}`,
      );
    }
  } finally {
    await system.close();
    await runtime.embedded?.stop();
  }
}

/** The command line acts as a registry admin named after the OS user who runs it. */
const cliStaff = () => ({ name: `cli:${userInfo().username}`, role: 'admin' as const, clientAddress: 'cli' });

/** Applications are decided on the command line as a registry admin named after the OS user. */
async function runApplicationCommand(
  system: System,
  command: string,
  id: string | undefined,
  values: { status?: string; reason?: string },
): Promise<void> {
  const staff = cliStaff();
  if (command === 'application list') {
    const list = await system.onboarding.list(staff, values.status);
    if (list.length === 0) console.log('no applications');
    for (const a of list) {
      const code = a.iysCode === null ? '' : ` iysCode ${a.iysCode}`;
      console.log(`${a.id}  ${a.status.padEnd(8)}  ${a.kind}  ${a.title}  <${a.email}>${code}`);
    }
    return;
  }
  const applicationId = requireText(id, 'application id');
  if (command === 'application approve') {
    const { iysCode, brandCode } = await system.onboarding.approve(staff, applicationId);
    console.log(
      `approved: iysCode ${iysCode}, master brand ${brandCode}; the applicant was invited to the portal`,
    );
  } else {
    await system.onboarding.reject(staff, applicationId, requireText(values.reason, 'reason'));
    console.log('rejected; the applicant was told the reason by e-mail');
  }
}

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new AdminError(`cannot read ${path}: ${(error as Error).message}`);
  }
}

const keysOf = (jwksFile: string) => (readJson(jwksFile) as { keys?: PublicJwk[] }).keys ?? [];

/** Key versions tried when no JWKS is given: far more rotations than a registry makes. */
const LOG_KEY_VERSIONS = 64;

/** A consent receipt, checked offline with the code the browser's verifier page runs. */
async function verifyLogReceiptFile(file: string, jwksFile: string | undefined): Promise<void> {
  const ring = jwksFile
    ? undefined
    : createKeyRing(loadOrCreateMasterKey(loadConfig().masterKey, loadConfig().dataDir));
  const keys = ring
    ? Array.from({ length: LOG_KEY_VERSIONS }, (_, i) => new ReceiptSigner(ring.logKeySeed(i + 1)).publicJwk)
    : keysOf(jwksFile!);
  const verdict = await verifyLogReceipt(readJson(file), keys);
  for (const check of verdict.checks)
    console.log(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  console.log(verdict.ok ? 'the receipt is valid' : 'the receipt is NOT valid');
  if (!verdict.ok) process.exitCode = 1;
}

async function witness(from: string, url: string, jwksFile: string | undefined, save = false): Promise<void> {
  const report = await witnessConsistency(url, readJson(from), jwksFile ? keysOf(jwksFile) : undefined);
  for (const line of report.lines) console.log(line);
  if (!report.ok) return void (process.exitCode = 1);
  if (save && report.current) {
    writeFileSync(from, JSON.stringify(report.current, null, 2) + '\n');
    console.log(`saved the current head to ${from}`);
  }
}

/** Verifies with the published JWKS when given, else with the key this registry derives from its master key. */
function verifyReceiptFile(file: string, jwksFile: string | undefined): void {
  const keys = jwksFile
    ? keysOf(jwksFile)
    : [
        new ReceiptSigner(
          createKeyRing(loadOrCreateMasterKey(loadConfig().masterKey, loadConfig().dataDir)).receiptSeed,
        ).publicJwk,
      ];
  const report = checkReceiptFile(readJson(file), keys);
  for (const line of report.lines) console.log(line);
  if (!report.valid) process.exitCode = 1;
}

run(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof AdminError) console.error(error.message);
  else if (error instanceof IysRequestError)
    console.error(error.errors.map((e) => `${e.code} ${e.message}`).join('\n'));
  else console.error(error);
  process.exit(1);
});

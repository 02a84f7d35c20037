/**
 * The single-add benchmark's load generator, run as its own process so that building and sending requests
 * does not share the server's CPU time or event loop: `clients` clients each post single consents
 * (İYS "tekil izin ekleme"), one after the other, for `seconds`, and it prints one JSON line with how many
 * were added. Every consent is a new one (client c sends +9054c…), so none is refused; they are legacy
 * records (HS_2015), which send no notices, so no notice delivery runs beside the measurement.
 * Usage: node --import tsx bench/single-load.ts <server url> <token> <seconds> <clients (1–10)> [first number]
 * Numbers start at `first number` (default 0), so a second load in one run adds new consents.
 */
const [url, token, secondsArg, clientsArg, firstArg] = process.argv.slice(2);
const first = Number(firstArg ?? 0);
const seconds = Number(secondsArg);
const clients = Number(clientsArg);
if (!(clients >= 1 && clients <= 10)) throw new Error('clients: 1 to 10');
const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
const until = performance.now() + seconds * 1000;
const counts = await Promise.all(
  Array.from({ length: clients }, async (_, client) => {
    let added = 0;
    while (performance.now() < until) {
      const response = await fetch(`${url}/sps/700001/brands/700010/consents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          recipient: `+9054${client}${String(first + added).padStart(7, '0')}`,
          recipientType: 'BIREYSEL',
          type: 'MESAJ',
          status: 'ONAY',
          source: 'HS_2015',
          consentDate: '2015-05-01 00:00:00',
        }),
      });
      if (response.status !== 200) throw new Error(`add failed: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      added++;
    }
    return added;
  }),
);
console.log(JSON.stringify({ added: counts.reduce((a, b) => a + b, 0), seconds }));

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditPath, leafHash, merkleRoot, merkleTree, rootFromAuditPath } from './merkle.js';

// The reference data of the Certificate Transparency implementations (certificate-transparency-go,
// Trillian): eight leaves and the root of every prefix of them.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const leaves = LEAVES.map((hex) => leafHash(Buffer.from(hex, 'hex')));

test('roots match the Certificate Transparency reference vectors', () => {
  assert.equal(
    merkleRoot([]).toString('hex'),
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  ROOTS.forEach((root, i) =>
    assert.equal(merkleRoot(leaves.slice(0, i + 1)).toString('hex'), root, `size ${i + 1}`),
  );
  assert.deepEqual(
    auditPath(leaves, 0).map((h) => h.toString('hex')),
    [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  );
});

test('every audit path of every tree up to 40 leaves proves its root, and nothing else does', () => {
  const many = Array.from({ length: 40 }, (_, i) => leafHash(`leaf ${i}`));
  for (let n = 1; n <= many.length; n++) {
    const tree = many.slice(0, n);
    const root = merkleRoot(tree);
    for (let m = 0; m < n; m++) {
      const path = auditPath(tree, m);
      assert.ok(path.length <= Math.ceil(Math.log2(n)));
      assert.deepEqual(rootFromAuditPath(tree[m]!, m, n, path), root, `leaf ${m} of ${n}`);
      assert.notDeepEqual(rootFromAuditPath(leafHash('other'), m, n, path), root);
      if (n > 1) {
        assert.notDeepEqual(rootFromAuditPath(tree[m]!, (m + 1) % n, n, path), root, 'wrong index');
        const bent = path.map((h, i) => (i === 0 ? leafHash('bent') : h));
        assert.notDeepEqual(rootFromAuditPath(tree[m]!, m, n, bent), root, 'altered path');
      }
    }
  }
  assert.equal(rootFromAuditPath(many[0]!, 5, 5, []), undefined, 'index outside the tree');
  assert.equal(rootFromAuditPath(many[0]!, 0, 1, [many[1]!]), undefined, 'path too long for the size');
});

test('merkleTree gives the root and every audit path that merkleRoot and auditPath give, up to 130 leaves', () => {
  const many = Array.from({ length: 130 }, (_, i) => leafHash(`leaf ${i}`));
  assert.deepEqual(merkleTree([]), { root: merkleRoot([]), paths: [] });
  for (let n = 1; n <= many.length; n++) {
    const tree = many.slice(0, n);
    const { root, paths } = merkleTree(tree);
    assert.deepEqual(root, merkleRoot(tree), `root of ${n}`);
    assert.equal(paths.length, n);
    paths.forEach((path, m) => assert.deepEqual(path, auditPath(tree, m), `path of leaf ${m} of ${n}`));
  }
});

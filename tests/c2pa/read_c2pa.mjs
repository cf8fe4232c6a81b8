// Reads a file's C2PA Content Credentials with the reference implementation (c2pa-rs compiled to
// WebAssembly: npm @contentauth/c2pa-wasm) and prints what it reports as one JSON object:
// {validation_state, codes: ["success:claimSignature.validated", ...], manifest} or {error}.
//
//   node read_c2pa.mjs FILE MIME [SETTINGS_JSON]
//
// NODE_PATH-free: the package is resolved from the folder given in ACCORD_C2PA_READER_DIR.
// Offline: no remote manifests, no OCSP. Exit 0 when a manifest was read, 2 otherwise.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, mime, settingsArgument] = process.argv.slice(2);
const folder = process.env.ACCORD_C2PA_READER_DIR;
if (!file || !mime || !folder) {
  console.error('usage: ACCORD_C2PA_READER_DIR=DIR node read_c2pa.mjs FILE MIME [SETTINGS]');
  process.exit(64);
}
const require = createRequire(join(resolve(folder), 'package.json'));
const { initSync, WasmReader } = await import(
  pathToFileURL(require.resolve('@contentauth/c2pa-wasm')).href);
initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });

const settings = settingsArgument ??
  JSON.stringify({ verify: { verify_trust: true, remote_manifest_fetch: false, ocsp_fetch: false } });
let reader;
try {
  reader = await WasmReader.fromBytes(mime, new Uint8Array(readFileSync(file)), settings);
} catch (error) {
  // c2pa-rs rejects with a plain string, e.g. "C2pa(JumbfNotFound)".
  console.log(JSON.stringify({ error: String(error?.message ?? error) }));
  process.exit(2);
}
const store = JSON.parse(reader.json());
reader.free();
const results = store.validation_results?.activeManifest ?? {};
const codes = ['success', 'informational', 'failure']
  .flatMap((kind) => (results[kind] ?? []).map((entry) => `${kind}:${entry.code}`));
console.log(JSON.stringify({
  validation_state: store.validation_state,
  codes,
  manifest: store.manifests?.[store.active_manifest] ?? null,
}, null, 2));

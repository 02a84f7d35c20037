// The accept thread when the server runs from its TypeScript source (tests, benchmarks, `npm run dev`):
// Node 20 does not pass the parent's tsx loader on to worker threads, so this thread registers it itself.
// The built server (dist/) starts accept.worker.js directly.
import { register } from 'tsx/esm/api';

register();
const { default: prepare, prepareRows } = await import('./accept.worker.ts');
export default prepare;
export { prepareRows };

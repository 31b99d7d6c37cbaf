// Kept for tools/platform (npm run up/down), which imports these helpers from here.
export { waitFor } from './wait-until';
export { isAlive, stopPid } from './processes';

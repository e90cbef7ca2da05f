// Counting checks for the Node tests: check() records a result, finish() prints the closing
// line CTest and CI read ("N passed, M failed") and exits non-zero on any failure.
let passed = 0;
let failed = 0;

export function check(name, ok, detail = '') {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  console.error(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
}

export function anyFailed() {
  return failed > 0;
}

export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

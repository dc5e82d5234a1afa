// Workloads for tests and benchmarks of guest instrumentation (src/wasm):
// each prints a checksum, so a program and its instrumented copy can be
// compared; `spin` never ends and makes no call.
//
//   workload sum N      a tight integer loop (xorshift), N iterations
//   workload sort N     qsort of N numbers: calls through a function pointer
//   workload table N    a table of function pointers called in a loop
//   workload tail N     mutual recursion by tail calls (built with -mtail-call)
//   workload vec N      a float loop the compiler vectorizes (with -msimd128)
//   workload sieve N    primes below N (nested loops, memory traffic)
//   workload spin       loops forever without calls
//   workload trap       traps in deliberate_trap() (for stack traces)
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t sum(long n) {
  uint32_t x = 2463534242u, acc = 0;
  for (long i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    acc += x;
  }
  return acc;
}

static int compare(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static uint32_t sort(long n) {
  uint32_t *values = malloc(sizeof(uint32_t) * (size_t)n);
  if (!values) return 0;
  uint32_t x = 1;
  for (long i = 0; i < n; i++) values[i] = x = x * 1103515245u + 12345u;
  qsort(values, (size_t)n, sizeof(uint32_t), compare);
  uint32_t acc = 0;
  for (long i = 0; i < n; i++) acc = acc * 31u + values[i];
  free(values);
  return acc;
}

__attribute__((noinline)) static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
__attribute__((noinline)) static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ b; }
__attribute__((noinline)) static uint32_t op_mul(uint32_t a, uint32_t b) { return a * (b | 1u); }
static uint32_t (*volatile const ops[])(uint32_t, uint32_t) = { op_add, op_xor, op_mul };

static uint32_t table(long n) {
  uint32_t acc = 7;
  for (long i = 0; i < n; i++) acc = ops[i % 3](acc, (uint32_t)i);
  return acc;
}

#if defined(__wasm_tail_call__)
static uint32_t odd(long n, uint32_t acc);
__attribute__((noinline)) static uint32_t even(long n, uint32_t acc) {
  if (n == 0) return acc;
  __attribute__((musttail)) return odd(n - 1, acc * 3u + 1u);
}
__attribute__((noinline)) static uint32_t odd(long n, uint32_t acc) {
  if (n == 0) return acc ^ 1u;
  __attribute__((musttail)) return even(n - 1, acc + 7u);
}
#else
static uint32_t even(long n, uint32_t acc) {
  for (; n > 0; n--) acc = (n & 1) ? acc * 3u + 1u : acc + 7u;
  return acc;
}
#endif

static float vec(long n) {
  static float a[1024], b[1024];
  for (int i = 0; i < 1024; i++) { a[i] = (float)i * 0.5f; b[i] = (float)(1024 - i) * 0.25f; }
  float total = 0;
  for (long round = 0; round < n; round++) {
    for (int i = 0; i < 1024; i++) a[i] = a[i] * 0.999f + b[i];
  }
  for (int i = 0; i < 1024; i++) total += a[i];
  return total;
}

static long sieve(long n) {
  char *composite = calloc((size_t)n, 1);
  if (!composite) return -1;
  long count = 0;
  for (long i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    if (i > n / i) continue; // i * i would pass n (and long is 32 bits here)
    for (long j = i * i; j < n; j += i) composite[j] = 1;
  }
  free(composite);
  return count;
}

__attribute__((noinline)) static int deliberate_trap(const char *why) {
  if (why[0] != '\0') __builtin_trap();
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: workload sum|sort|table|tail|vec|sieve N | spin\n");
    return 2;
  }
  const char *mode = argv[1];
  long n = argc > 2 ? atol(argv[2]) : 1000;
  if (strcmp(mode, "sum") == 0) printf("sum %u\n", sum(n));
  else if (strcmp(mode, "sort") == 0) printf("sort %u\n", sort(n));
  else if (strcmp(mode, "table") == 0) printf("table %u\n", table(n));
  else if (strcmp(mode, "tail") == 0) printf("tail %u\n", even(n, 1));
  else if (strcmp(mode, "vec") == 0) printf("vec %.3f\n", vec(n));
  else if (strcmp(mode, "sieve") == 0) printf("sieve %ld\n", sieve(n));
  else if (strcmp(mode, "trap") == 0) return deliberate_trap(mode);
  else if (strcmp(mode, "spin") == 0) {
    puts("spinning");
    fflush(stdout);
    volatile unsigned long counter = 0;
    for (;;) counter++;
  } else {
    fprintf(stderr, "workload: unknown mode %s\n", mode);
    return 2;
  }
  return 0;
}

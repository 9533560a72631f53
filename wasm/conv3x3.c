/*
 * A 3x3, stride 1, 'same' convolution over one NHWC image, with bias and optional ReLU, for
 * VGG16's layers (issue 24). It is a register-blocked GEMM: M = H*W pixels, N = output channels,
 * K = 9 * input channels, in tiles of 6 pixels x 8 channels (12 f32x4 accumulators). The A panel
 * is packed straight from the NHWC input (no im2col matrix), the filter once per call.
 *
 * Built twice by scripts/build-fma-wasm.sh: with RELAXED (f32x4.relaxed_madd, a fused
 * multiply-add on x86 and ARM) and without (f32x4 mul then add). No static data and no stack use:
 * several instances share one memory (one per thread), and each would reset a shared stack.
 * Memory is laid out by the caller (src/engine/fma/).
 */
#include <wasm_simd128.h>

#define MR 6
#define NR 8
/* Longest run of K packed at once: a 6 x KC panel of A stays in L1, a KC x N block of B in L2. */
#define KC 256

#ifdef RELAXED
#define MADD(a, b, c) \
  ((v128_t)__builtin_wasm_relaxed_madd_f32x4((__f32x4)(a), (__f32x4)(b), (__f32x4)(c)))
#else
#define MADD(a, b, c) wasm_f32x4_add(wasm_f32x4_mul(a, b), c)
#endif

#define EXPORT(name) __attribute__((export_name(name)))

static inline int min_int(int a, int b) { return a < b ? a : b; }

/* Filter channels rounded up to whole tiles. */
static inline int padded_n(int n) { return (n + NR - 1) & ~(NR - 1); }

/* Taps per K block and channels per tap in it: whole taps while C fits in KC, else parts of one. */
static inline int taps_per_block(int c) { return c >= KC ? 1 : min_int(9, KC / c); }
static inline int channels_per_block(int c) { return c >= KC ? KC : c; }

/* Floats of the packed filter for c input and n output channels. */
EXPORT("packed_filter_floats") int packed_filter_floats(int c, int n) {
  return 9 * c * padded_n(n);
}

/* Floats of one thread's scratch (its A panel and an edge tile). */
EXPORT("scratch_floats") int scratch_floats(void) { return MR * KC + MR * NR; }

/*
 * The filter w [3][3][c][n] (HWIO) and bias [n] as the kernel reads them: for each K block, for
 * each 8-channel panel, kc rows of 8 (zero-padded past n). bp gets padded_n(n) biases.
 */
EXPORT("pack_filter")
void pack_filter(const float *w, const float *bias, int c, int n, float *out, float *bp) {
  const int np = padded_n(n);
  const int tb = taps_per_block(c), cb = channels_per_block(c);
  for (int t0 = 0; t0 < 9; t0 += tb) {
    for (int c0 = 0; c0 < c; c0 += cb) {
      const int nt = min_int(tb, 9 - t0), nc = min_int(cb, c - c0);
      const int kc = nt * nc;
      const int koff = t0 * c + c0;
      float *blk = out + koff * np;
      for (int j0 = 0; j0 < np; j0 += NR) {
        float *dst = blk + j0 * kc;
        for (int t = 0; t < nt; t++)
          for (int ci = 0; ci < nc; ci++) {
            const float *src = w + ((t0 + t) * c + c0 + ci) * n;
            for (int j = 0; j < NR; j++) *dst++ = j0 + j < n ? src[j0 + j] : 0.0f;
          }
      }
    }
  }
  for (int j = 0; j < np; j++) bp[j] = j < n ? bias[j] : 0.0f;
}

/* A panel for pixels p0..p0+nr-1 (rows past nr zero): the K block's taps and channels, 6 wide. */
static void pack_a(const float *x, int h, int w, int c, int p0, int nr, int t0, int nt, int c0,
                   int nc, float *ap) {
  for (int r = 0; r < MR; r++) {
    const int p = p0 + r;
    const int y = p / w, xx = p - y * w;
    for (int t = 0; t < nt; t++) {
      float *dst = ap + t * nc * MR + r;
      const int sy = y + (t0 + t) / 3 - 1, sx = xx + (t0 + t) % 3 - 1;
      if (r >= nr || sy < 0 || sy >= h || sx < 0 || sx >= w) {
        for (int i = 0; i < nc; i++) dst[i * MR] = 0.0f;
      } else {
        const float *src = x + (sy * w + sx) * c + c0;
        for (int i = 0; i < nc; i++) dst[i * MR] = src[i];
      }
    }
  }
}

/*
 * One 6x8 tile: c[6][8] (row stride ldc) = (first ? bias : c) + a^T b over kc, then ReLU if asked.
 * The k loop is left rolled: unrolled, V8 spills the accumulators (issue 24's probe).
 */
static void tile(int kc, const float *restrict a, const float *restrict b, float *restrict c,
                 int ldc, int first, const float *bias, int relu) {
  v128_t c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  if (first) {
    c00 = c10 = c20 = c30 = c40 = c50 = wasm_v128_load(bias);
    c01 = c11 = c21 = c31 = c41 = c51 = wasm_v128_load(bias + 4);
  } else {
    c00 = wasm_v128_load(c), c01 = wasm_v128_load(c + 4);
    c10 = wasm_v128_load(c + ldc), c11 = wasm_v128_load(c + ldc + 4);
    c20 = wasm_v128_load(c + 2 * ldc), c21 = wasm_v128_load(c + 2 * ldc + 4);
    c30 = wasm_v128_load(c + 3 * ldc), c31 = wasm_v128_load(c + 3 * ldc + 4);
    c40 = wasm_v128_load(c + 4 * ldc), c41 = wasm_v128_load(c + 4 * ldc + 4);
    c50 = wasm_v128_load(c + 5 * ldc), c51 = wasm_v128_load(c + 5 * ldc + 4);
  }
#pragma clang loop unroll(disable)
  for (int k = 0; k < kc; k++) {
    const v128_t b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
    v128_t a0 = wasm_v128_load32_splat(a);
    c00 = MADD(a0, b0, c00), c01 = MADD(a0, b1, c01);
    a0 = wasm_v128_load32_splat(a + 1);
    c10 = MADD(a0, b0, c10), c11 = MADD(a0, b1, c11);
    a0 = wasm_v128_load32_splat(a + 2);
    c20 = MADD(a0, b0, c20), c21 = MADD(a0, b1, c21);
    a0 = wasm_v128_load32_splat(a + 3);
    c30 = MADD(a0, b0, c30), c31 = MADD(a0, b1, c31);
    a0 = wasm_v128_load32_splat(a + 4);
    c40 = MADD(a0, b0, c40), c41 = MADD(a0, b1, c41);
    a0 = wasm_v128_load32_splat(a + 5);
    c50 = MADD(a0, b0, c50), c51 = MADD(a0, b1, c51);
    a += MR, b += NR;
  }
  if (relu) {
    const v128_t z = wasm_f32x4_splat(0.0f);
    c00 = wasm_f32x4_pmax(z, c00), c01 = wasm_f32x4_pmax(z, c01);
    c10 = wasm_f32x4_pmax(z, c10), c11 = wasm_f32x4_pmax(z, c11);
    c20 = wasm_f32x4_pmax(z, c20), c21 = wasm_f32x4_pmax(z, c21);
    c30 = wasm_f32x4_pmax(z, c30), c31 = wasm_f32x4_pmax(z, c31);
    c40 = wasm_f32x4_pmax(z, c40), c41 = wasm_f32x4_pmax(z, c41);
    c50 = wasm_f32x4_pmax(z, c50), c51 = wasm_f32x4_pmax(z, c51);
  }
  wasm_v128_store(c, c00), wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + ldc, c10), wasm_v128_store(c + ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20), wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30), wasm_v128_store(c + 3 * ldc + 4, c31);
  wasm_v128_store(c + 4 * ldc, c40), wasm_v128_store(c + 4 * ldc + 4, c41);
  wasm_v128_store(c + 5 * ldc, c50), wasm_v128_store(c + 5 * ldc + 4, c51);
}

/*
 * y[h][w][n] = relu?(conv3x3(x[h][w][c], filter) + bias) for the 6-pixel panels [panel0, panel1)
 * of the output (panel i: pixels 6i..6i+5 in row-major order), with the filter and bias packed by
 * pack_filter. Threads call it on disjoint panel ranges, each with its own scratch.
 */
EXPORT("conv3x3")
void conv3x3(const float *x, int h, int w, int c, const float *bpk, const float *bias, int n,
             float *y, int relu, int panel0, int panel1, float *scratch) {
  const int m = h * w, np = padded_n(n);
  const int tb = taps_per_block(c), cb = channels_per_block(c);
  float *ap = scratch, *edge = scratch + MR * KC;
  for (int t0 = 0; t0 < 9; t0 += tb) {
    for (int c0 = 0; c0 < c; c0 += cb) {
      const int nt = min_int(tb, 9 - t0), nc = min_int(cb, c - c0);
      const int kc = nt * nc, koff = t0 * c + c0;
      const int first = koff == 0, last = koff + kc == 9 * c;
      const float *blk = bpk + koff * np;
      for (int pi = panel0; pi < panel1; pi++) {
        const int p0 = pi * MR, nr = min_int(MR, m - p0);
        pack_a(x, h, w, c, p0, nr, t0, nt, c0, nc, ap);
        for (int j0 = 0; j0 < np; j0 += NR) {
          float *out = y + p0 * n + j0;
          const int ncol = min_int(NR, n - j0);
          if (nr == MR && ncol == NR) {
            tile(kc, ap, blk + j0 * kc, out, n, first, bias + j0, relu && last);
            continue;
          }
          /* Edge tile: through a full 6x8 buffer, only the valid part read and written. */
          for (int r = 0; r < nr; r++)
            for (int j = 0; j < ncol; j++) edge[r * NR + j] = first ? 0.0f : out[r * n + j];
          tile(kc, ap, blk + j0 * kc, edge, NR, first, bias + j0, relu && last);
          for (int r = 0; r < nr; r++)
            for (int j = 0; j < ncol; j++) out[r * n + j] = edge[r * NR + j];
        }
      }
    }
  }
}

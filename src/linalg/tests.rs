//! Every kernel this CPU can run, against a naive triple loop, on raw
//! strided layouts (the public API is tested in `tests/linalg.rs`).

use super::isa::{self, Kernel};
use super::kernel::{pack_sizes, Blocks, Gemm, Gemv};
use super::private::Scalar;

/// A matrix stored in `data` with element `[i, j]` at `base + i·rs + j·cs`.
struct Mat {
    data: Vec<f64>,
    base: usize,
    rs: isize,
    cs: isize,
}

/// An `m × n` matrix with values from `seed`, in one of four layouts:
/// row-major, column-major, row-major with a gap (stepped), reversed rows.
fn mat(m: usize, n: usize, layout: usize, seed: u64) -> Mat {
    let (rs, cs, base, len) = match layout % 4 {
        0 => (n as isize, 1, 0, m * n),
        1 => (1, m as isize, 0, m * n),
        2 => (2 * n as isize + 1, 2, 0, (2 * n + 1) * m.max(1)),
        _ => (-(n as isize), 1, n * m.saturating_sub(1), m * n),
    };
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let data = (0..len.max(1))
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2001) as f64 / 1000.0 - 1.0
        })
        .collect();
    Mat { data, base, rs, cs }
}

impl Mat {
    fn at(&self, i: usize, j: usize) -> f64 {
        self.data[(self.base as isize + i as isize * self.rs + j as isize * self.cs) as usize]
    }
    fn ptr(&self) -> *const f64 {
        // From the whole vector: negative strides reach below `base`.
        self.data.as_ptr().wrapping_add(self.base)
    }
}

fn gemm_case<T: Scalar + Into<f64>>(
    kern: &Kernel<T>,
    conv: impl Fn(f64) -> T,
    (m, n, k): (usize, usize, usize),
    layouts: (usize, usize, usize),
    beta: f64,
    path: &str,
) {
    let (a, b, c0) = (
        mat(m, k, layouts.0, 1),
        mat(k, n, layouts.1, 2),
        mat(m, n, layouts.2, 3),
    );
    let cv = |v: &Vec<f64>| v.iter().map(|&x| conv(x)).collect::<Vec<T>>();
    let (ad, bd) = (cv(&a.data), cv(&b.data));
    let mut cd = cv(&c0.data);
    if beta == 0.0 {
        for x in cd.iter_mut() {
            *x = conv(f64::NAN);
        }
    }
    let (alpha, beta_t) = (conv(1.5), conv(beta));
    let g = Gemm {
        m,
        n,
        k,
        alpha,
        a: ad.as_ptr().wrapping_add(a.base),
        rsa: a.rs,
        csa: a.cs,
        b: bd.as_ptr().wrapping_add(b.base),
        rsb: b.rs,
        csb: b.cs,
        beta: beta_t,
        c: cd.as_mut_ptr().wrapping_add(c0.base),
        rsc: c0.rs,
        csc: c0.cs,
    };
    // SAFETY: the layouts address elements of the vectors; C is its own.
    unsafe {
        if path == "small" {
            (kern.small)(&g)
        } else {
            // "tiny": blocks smaller than the matrices, so that every block
            // boundary (and partial block) is crossed.
            let blocks = if path == "tiny" {
                Blocks {
                    kc: 5,
                    mc: 7,
                    nc: 11,
                }
            } else {
                kern.blocks
            };
            let (na, nb) = pack_sizes(&g, &blocks, kern.mr, kern.nr);
            let mut pa = vec![conv(0.0); na];
            let mut pb = vec![conv(0.0); nb];
            (kern.blocked)(&g, &blocks, pa.as_mut_ptr(), pb.as_mut_ptr())
        }
    }
    let cgot = Mat {
        data: cd.iter().map(|&x| x.into()).collect(),
        ..c0
    };
    let tol = if core::mem::size_of::<T>() == 4 {
        1e-4
    } else {
        1e-12
    };
    for i in 0..m {
        for j in 0..n {
            let mut want = 0.0;
            for p in 0..k {
                want += conv_back(conv(a.at(i, p))) * conv_back(conv(b.at(p, j)));
            }
            let old = if beta == 0.0 {
                0.0
            } else {
                beta * conv_back(conv(c0.at(i, j)))
            };
            let want = 1.5 * want + old;
            let got = cgot.at(i, j);
            assert!(
                (got - want).abs() <= tol * (1.0 + k as f64),
                "{} {path} {m}x{n}x{k} layouts {layouts:?} beta {beta}: [{i}, {j}] = {got}, want {want}",
                kern.name
            );
        }
    }
    fn conv_back<T: Into<f64>>(x: T) -> f64 {
        x.into()
    }
}

const SIZES: &[(usize, usize, usize)] = if cfg!(miri) {
    &[(1, 1, 1), (5, 7, 3), (17, 13, 9)]
} else {
    NATIVE_SIZES
};

const NATIVE_SIZES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (2, 3, 4),
    (5, 7, 3),
    (16, 12, 8),
    (17, 13, 9),
    (33, 31, 40),
    (40, 50, 70),
];

#[test]
fn every_f64_kernel_matches_the_naive_product() {
    for kern in isa::f64_kernels() {
        for &size in SIZES {
            for l in 0..4 {
                for path in ["small", "blocked", "tiny"] {
                    for beta in [0.0, 0.5] {
                        gemm_case(kern, |x| x, size, (l, (l + 1) % 4, (l + 2) % 4), beta, path);
                    }
                }
            }
        }
    }
}

#[test]
fn every_f32_kernel_matches_the_naive_product() {
    for kern in isa::f32_kernels() {
        for &size in SIZES {
            for l in 0..4 {
                for path in ["small", "blocked", "tiny"] {
                    gemm_case(kern, |x| x as f32, size, (l, (l + 3) % 4, l), 0.5, path);
                }
            }
        }
    }
}

#[test]
fn every_gemv_kernel_matches_the_naive_product() {
    for kern in isa::f64_kernels() {
        for (m, k) in [(1, 1), (3, 5), (17, 9), (40, 33)]
            .into_iter()
            .take(if cfg!(miri) { 3 } else { 4 })
        {
            for l in 0..4 {
                for (incx, incy) in [(1, 1), (2, 3), (-1, 1)] {
                    let a = mat(m, k, l, 5);
                    let xs: Vec<f64> = (0..k * 2).map(|i| i as f64 * 0.25 - 1.0).collect();
                    let xbase = if incx < 0 { k - 1 } else { 0 };
                    let mut y = vec![f64::NAN; m * 3];
                    let g = Gemv {
                        m,
                        k,
                        alpha: 2.0,
                        a: a.ptr(),
                        rsa: a.rs,
                        csa: a.cs,
                        x: xs.as_ptr().wrapping_add(xbase),
                        incx,
                        beta: 0.0,
                        y: y.as_mut_ptr(),
                        incy,
                    };
                    // SAFETY: the layouts address elements of the vectors.
                    unsafe { (kern.gemv)(&g) };
                    for i in 0..m {
                        let want: f64 = 2.0
                            * (0..k)
                                .map(|p| {
                                    a.at(i, p) * xs[(xbase as isize + p as isize * incx) as usize]
                                })
                                .sum::<f64>();
                        let got = y[i * incy as usize];
                        assert!(
                            (got - want).abs() < 1e-12 * (1.0 + k as f64),
                            "{} {m}x{k}: {got} vs {want}",
                            kern.name
                        );
                    }
                }
            }
        }
    }
}

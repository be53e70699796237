//! Matrix products (`bumper::linalg`) against a naive triple loop: every
//! layout class (row-major, column-major, stepped, reversed, broadcast
//! inputs), every element type, the `beta == 0` / `alpha == 0` / empty
//! cases, the error messages, and a proptest over random shapes and layouts
//! (0-sized dimensions included; 48 cases natively, 3 under Miri). Sizes
//! cross the direct path and the blocked path; natively, the largest also
//! cross the rayon split (`tests/par.rs` checks the split on its own, also
//! under Miri: here, under Miri, every product stays below
//! `PAR_MIN_WORK`, because these suites run with strict provenance, which
//! rayon's internals do not support).

use bumper::array::{ShapeError, Slice};
use bumper::linalg::{general_mat_mul, general_mat_vec_mul, try_general_mat_mul, LinalgScalar};
use bumper::{ArrayView, PtrArray, Scope};
use proptest::prelude::*;

/// The element types, with conversions for the model.
trait Elem: LinalgScalar + Default + std::fmt::Debug {
    const EXACT: bool;
    fn from_i(x: i64) -> Self;
    fn to_f(self) -> f64;
}

macro_rules! elem {
    ($t:ty, $exact:expr) => {
        impl Elem for $t {
            const EXACT: bool = $exact;
            fn from_i(x: i64) -> Self {
                x as $t
            }
            fn to_f(self) -> f64 {
                self as f64
            }
        }
    };
}
elem!(f64, false);
elem!(f32, false);
elem!(i64, true);
elem!(i32, true);
elem!(u64, true);
elem!(u32, true);

/// A small value for element `(i, j)` of operand `seed` (non-negative, so
/// the unsigned types work too; products stay exact in every type).
fn val(i: usize, j: usize, seed: usize) -> i64 {
    ((i * 7 + j * 13 + seed * 5) % 11) as i64
}

/// The layouts an operand can have.
const ROW_MAJOR: usize = 0;
const COL_MAJOR: usize = 1;
const STEPPED: usize = 2;
const REVERSED: usize = 3;
const BROADCAST: usize = 4;

/// An `r × c` read-only operand in layout `layout`, element `(i, j)` =
/// `val(i, j, seed)` (for `BROADCAST`, every row is row 0).
fn operand<'s, T: Elem>(
    s: &Scope<'s>,
    r: usize,
    c: usize,
    layout: usize,
    seed: usize,
) -> ArrayView<'s, T, 2> {
    let f = |i: usize, j: usize| T::from_i(val(i, j, seed));
    match layout {
        ROW_MAJOR => s.alloc_with([r, c], |[i, j]| f(i, j)).into_view(),
        COL_MAJOR => {
            let t = s.alloc_with([c, r], |[j, i]| f(i, j)).into_view();
            t.t()
        }
        STEPPED => {
            let wide = s.alloc_with([r, 2 * c], |[i, j]| {
                if j % 2 == 0 {
                    f(i, j / 2)
                } else {
                    T::from_i(99)
                }
            });
            wide.into_view().slice_axis_step(1, .., 2)
        }
        REVERSED => {
            let back = s
                .alloc_with([r, c], |[i, j]| f(r - 1 - i, c - 1 - j))
                .into_view();
            back.slice([Slice::from(..).step_by(-1), Slice::from(..).step_by(-1)])
        }
        _ => {
            let row = s.alloc_with([1, c], |[_, j]| f(0, j)).into_view();
            row.broadcast_to([r, c]).unwrap()
        }
    }
}

/// An `r × c` written operand (no broadcast) in layout `layout`, holding
/// `val(i, j, seed)`.
fn output<'s, T: Elem>(
    s: &Scope<'s>,
    r: usize,
    c: usize,
    layout: usize,
    seed: usize,
) -> PtrArray<'s, T, 2> {
    let mut out = match layout % 4 {
        ROW_MAJOR => s.alloc::<T, 2>([r, c]),
        COL_MAJOR => s.alloc::<T, 2>([c, r]).into_transposed(),
        STEPPED => s.alloc::<T, 2>([r, 2 * c]).into_slice_axis_step(1, 2),
        _ => s.alloc::<T, 2>([r, c]).into_reversed(),
    };
    for i in 0..r {
        for j in 0..c {
            out[[i, j]] = T::from_i(val(i, j, seed));
        }
    }
    out
}

/// Owned reshapings of a fresh array, for `output` (the `_mut` views borrow,
/// these keep the scope's lifetime).
trait IntoLayout<'s, T> {
    fn into_transposed(self) -> PtrArray<'s, T, 2>;
    fn into_slice_axis_step(self, axis: usize, step: isize) -> PtrArray<'s, T, 2>;
    fn into_reversed(self) -> PtrArray<'s, T, 2>;
}

impl<'s, T> IntoLayout<'s, T> for PtrArray<'s, T, 2> {
    fn into_transposed(self) -> PtrArray<'s, T, 2> {
        let (ptr, [r, c], [sr, sc]) = raw(self);
        // SAFETY: the same elements with the axes swapped: still distinct.
        unsafe { PtrArray::from_raw_parts_mut(ptr, [c, r], [sc, sr]) }
    }
    fn into_slice_axis_step(self, axis: usize, step: isize) -> PtrArray<'s, T, 2> {
        let (ptr, mut shape, mut strides) = raw(self);
        shape[axis] = shape[axis].div_ceil(step as usize);
        strides[axis] *= step;
        // SAFETY: every `step`-th index of an axis: a subset of the elements.
        unsafe { PtrArray::from_raw_parts_mut(ptr, shape, strides) }
    }
    fn into_reversed(self) -> PtrArray<'s, T, 2> {
        let (ptr, [r, c], [sr, sc]) = raw(self);
        if r == 0 || c == 0 {
            // SAFETY: no elements.
            return unsafe { PtrArray::from_raw_parts_mut(ptr, [r, c], [sr, sc]) };
        }
        // SAFETY: the last element, then both axes walked backwards: the
        // same elements.
        unsafe {
            let last = ptr.offset((r as isize - 1) * sr + (c as isize - 1) * sc);
            PtrArray::from_raw_parts_mut(last, [r, c], [-sr, -sc])
        }
    }
}

fn raw<T>(mut a: PtrArray<'_, T, 2>) -> (*mut T, [usize; 2], [isize; 2]) {
    (a.as_mut_ptr(), a.shape(), a.strides())
}

/// The naive product `alpha · a · b + beta · c` of logical row-major models.
fn naive(
    alpha: f64,
    a: &[f64],
    b: &[f64],
    beta: f64,
    c: &[f64],
    (m, n, k): (usize, usize, usize),
) -> Vec<f64> {
    let mut out = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            let dot: f64 = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            let old = if beta == 0.0 {
                0.0
            } else {
                beta * c[i * n + j]
            };
            out[i * n + j] = alpha * dot + old;
        }
    }
    out
}

fn to_f<T: Elem>(v: &[T]) -> Vec<f64> {
    v.iter().map(|&x| x.to_f()).collect()
}

/// Checks `got` against `want`: exactly for integers, within a relative
/// bound of `k` roundings for floats.
fn check<T: Elem>(got: &[T], want: &[f64], k: usize, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let eps = if std::mem::size_of::<T>() == 4 {
        1.2e-7
    } else {
        2.3e-16
    };
    for (idx, (&g, &w)) in got.iter().zip(want).enumerate() {
        let g = g.to_f();
        if T::EXACT {
            assert_eq!(g, w, "{what}: element {idx}");
        } else {
            let tol = 4.0 * eps * (k as f64 + 2.0) * (w.abs() + 11.0 * 11.0 * k as f64);
            assert!(
                (g - w).abs() <= tol,
                "{what}: element {idx} is {g}, want {w} (tolerance {tol})"
            );
        }
    }
}

/// One product in the given layouts, checked against the model.
fn case<T: Elem>(
    (m, n, k): (usize, usize, usize),
    (la, lb, lc): (usize, usize, usize),
    alpha: i64,
    beta: i64,
) {
    bumper::no_escape(|s| {
        let a = operand::<T>(s, m, k, la, 1);
        let b = operand::<T>(s, k, n, lb, 2);
        let mut c = output::<T>(s, m, n, lc, 3);
        let (am, bm, cm) = (to_f(&a.to_vec()), to_f(&b.to_vec()), to_f(&c.to_vec()));
        general_mat_mul(T::from_i(alpha), a, b, T::from_i(beta), &mut c);
        let want = naive(alpha as f64, &am, &bm, beta as f64, &cm, (m, n, k));
        let what = format!(
            "{} {m}x{k} · {k}x{n}, layouts {:?}, alpha {alpha}, beta {beta}",
            std::any::type_name::<T>(),
            (la, lb, lc)
        );
        check(&c.to_vec(), &want, k, &what);
    });
}

/// Under Miri: sizes that still cross Miri's tiny blocks and tiles.
const SHAPES: &[(usize, usize, usize)] = if cfg!(miri) {
    &[(1, 1, 1), (4, 5, 3), (7, 6, 8)]
} else {
    NATIVE_SHAPES
};

const NATIVE_SHAPES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (3, 4, 5),
    (4, 4, 4),
    (16, 16, 16),
    (17, 5, 33),
    (1, 40, 9),
    (40, 1, 9),
    (65, 70, 67),
    (100, 37, 130),
];

fn every_layout<T: Elem>() {
    for &shape in SHAPES {
        for la in 0..5 {
            // Natively every pair of input layouts; under Miri five pairs
            // per shape, still covering every layout of every operand.
            let lbs = if cfg!(miri) { la..la + 1 } else { 0..5 };
            for lb in lbs {
                case::<T>(shape, (la, (lb + 2 * la) % 5, (la + lb) % 4), 2, 1);
            }
        }
        for lc in 0..4 {
            case::<T>(shape, (ROW_MAJOR, COL_MAJOR, lc), 1, 0);
            case::<T>(shape, (REVERSED, STEPPED, lc), 3, 2);
        }
    }
}

#[test]
fn f64_every_layout_matches_the_naive_product() {
    every_layout::<f64>();
}

#[test]
fn f32_every_layout_matches_the_naive_product() {
    every_layout::<f32>();
}

#[test]
fn integers_every_layout_match_exactly() {
    every_layout::<i64>();
    every_layout::<u32>();
    if !cfg!(miri) {
        // The same generic kernel as i64 and u32 (Miri checks those two).
        every_layout::<i32>();
        every_layout::<u64>();
    }
}

#[test]
fn beta_zero_ignores_nan_in_c() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2, 2], &[1.0, 2.0, 3.0, 4.0]);
        let b = s.alloc_from_slice([2, 2], &[1.0, 0.0, 0.0, 1.0]);
        for n in [2, if cfg!(miri) { 5 } else { 70 }] {
            let big_a = s.alloc_with([n, n], |[i, j]| if i == j { 1.0 } else { 0.0 });
            let mut c = s.alloc_filled([n, n], f64::NAN);
            general_mat_mul(1.0, &big_a, &big_a, 0.0, &mut c);
            assert!(
                c.iter().all(|x| !x.is_nan()),
                "n = {n}: NaN survived beta = 0"
            );
            assert_eq!(c[[n - 1, n - 1]], 1.0);
        }
        let mut c = s.alloc_filled([2, 2], f64::NAN);
        general_mat_mul(1.0, &a, &b, 0.0, &mut c);
        assert_eq!(c.to_vec(), [1.0, 2.0, 3.0, 4.0]);
        // beta != 0 does read C: NaN propagates.
        let mut c = s.alloc_filled([2, 2], f64::NAN);
        general_mat_mul(1.0, &a, &b, 1.0, &mut c);
        assert!(c.iter().all(|x| x.is_nan()));
    });
}

#[test]
fn alpha_zero_and_empty_inner_dimension_scale_c() {
    bumper::no_escape(|s| {
        let a = s.alloc_filled([2, 3], f64::NAN);
        let b = s.alloc_filled([3, 2], 1.0);
        let mut c = s.alloc_filled([2, 2], 4.0);
        // alpha == 0: A and B are not read (BLAS), C = beta · C.
        general_mat_mul(0.0, &a, &b, 0.5, &mut c);
        assert_eq!(c.to_vec(), [2.0; 4]);
        // k == 0: the product is empty, C = beta · C; beta == 0 clears it.
        let a0 = s.alloc::<f64, 2>([2, 0]);
        let b0 = s.alloc::<f64, 2>([0, 2]);
        general_mat_mul(1.0, &a0, &b0, 3.0, &mut c);
        assert_eq!(c.to_vec(), [6.0; 4]);
        let mut nan = s.alloc_filled([2, 2], f64::NAN);
        general_mat_mul(1.0, &a0, &b0, 0.0, &mut nan);
        assert_eq!(nan.to_vec(), [0.0; 4]);
        // m == 0 or n == 0: nothing to do, no panic.
        let mut e = s.alloc::<f64, 2>([0, 2]);
        general_mat_mul(1.0, s.alloc::<f64, 2>([0, 3]), &b, 1.0, &mut e);
        assert_eq!(e.shape(), [0, 2]);
    });
}

#[test]
fn shape_errors_name_all_three_shapes() {
    bumper::no_escape(|s| {
        let a = s.alloc::<f64, 2>([2, 3]);
        let b = s.alloc::<f64, 2>([3, 4]);
        let mut c = s.alloc::<f64, 2>([2, 5]);
        let err = try_general_mat_mul(1.0, &a, &b, 0.0, &mut c).unwrap_err();
        assert_eq!(
            err,
            ShapeError::ProductShapes {
                a: vec![2, 3],
                b: vec![3, 4],
                c: vec![2, 5]
            }
        );
        assert!(err
            .to_string()
            .contains("a [2, 3] times b [3, 4] into c [2, 5]"));
        let x = s.alloc::<f64, 1>([4]);
        let err = a.try_matvec_in(&x, s).unwrap_err();
        assert!(err.to_string().contains("a [2, 3] times b [4] into c [2]"));
        let err = a.try_matmul_in(&a, s).unwrap_err();
        assert!(err
            .to_string()
            .contains("a [2, 3] times b [2, 3] into c [2, 3]"));
    });
}

#[test]
#[should_panic(expected = "matrix product: a [2, 3] times b [2, 3] into c [2, 3]")]
fn matmul_in_panics_with_the_shapes() {
    bumper::no_escape(|s| {
        let a = s.alloc::<i32, 2>([2, 3]);
        let _ = a.matmul_in(&a, s);
    });
}

#[test]
#[should_panic(expected = "a [2, 3] times b [2] into c [2]")]
fn general_mat_vec_mul_panics_with_the_shapes() {
    bumper::no_escape(|s| {
        let a = s.alloc::<f64, 2>([2, 3]);
        let x = s.alloc::<f64, 1>([2]);
        let mut y = s.alloc::<f64, 1>([2]);
        general_mat_vec_mul(1.0, &a, &x, 0.0, &mut y);
    });
}

#[test]
fn matmul_in_and_matvec_in_match_the_model() {
    bumper::no_escape(|s| {
        for (m, n, k) in [(3, 2, 4), (9, 7, 5), (0, 3, 2), (3, 0, 2), (2, 3, 0)] {
            let a = operand::<i64>(s, m, k, COL_MAJOR, 1);
            let b = operand::<i64>(s, k, n, REVERSED, 2);
            let c = a.matmul_in(b, s);
            assert_eq!(c.shape(), [m, n]);
            assert_eq!(c.strides(), [n as isize, 1], "row-major result");
            let want = naive(
                1.0,
                &to_f(&a.to_vec()),
                &to_f(&b.to_vec()),
                0.0,
                &[],
                (m, n, k),
            );
            check(&c.to_vec(), &want, k, "matmul_in");

            let x = operand::<i64>(s, k, 1, STEPPED, 4);
            let xv = x.index_axis(1, 0);
            let y = a.matvec_in(xv, s);
            let want = naive(
                1.0,
                &to_f(&a.to_vec()),
                &to_f(&xv.to_vec()),
                0.0,
                &[],
                (m, 1, k),
            );
            check(&y.to_vec(), &want, k, "matvec_in");
        }
        // On a PtrArray too, with the result outliving a borrow of `a`.
        let a = s.alloc_from_slice([2, 2], &[1.0, 2.0, 3.0, 4.0]);
        let c = a.matmul_in(&a, s);
        assert_eq!(c.to_vec(), [7.0, 10.0, 15.0, 22.0]);
    });
}

#[test]
fn general_mat_vec_mul_every_layout() {
    let shapes: &[(usize, usize)] = if cfg!(miri) {
        &[(1, 1), (5, 3)]
    } else {
        &[(1, 1), (5, 3), (33, 40), (70, 9)]
    };
    for &(m, k) in shapes {
        for la in 0..5 {
            for lx in [ROW_MAJOR, STEPPED, REVERSED, BROADCAST] {
                for ly in 0..4 {
                    bumper::no_escape(|s| {
                        let a = operand::<f64>(s, m, k, la, 1);
                        let x = operand::<f64>(s, 1, k, lx, 2);
                        let x = x.index_axis(0, 0);
                        let mut y2 = output::<f64>(s, 1, m, ly, 3);
                        let ym = y2.to_vec();
                        let mut y = y2.index_axis_mut(0, 0);
                        general_mat_vec_mul(2.0, a, x, -1.0, &mut y);
                        let want = naive(2.0, &a.to_vec(), &x.to_vec(), -1.0, &ym, (m, 1, k));
                        check(
                            &y.to_vec(),
                            &want,
                            k,
                            &format!("gemv {m}x{k} layouts {:?}", (la, lx, ly)),
                        );
                    });
                }
            }
        }
    }
}

#[test]
fn a_product_inside_a_users_scope_leaves_it_intact() {
    // The packing scope nests on the default buffer above the caller's
    // arrays; they must be untouched afterwards, and the buffer back at the
    // caller's level.
    bumper::no_escape(|s| {
        let n = if cfg!(miri) { 7 } else { 150 };
        let keep = s.alloc_with([1000], |[i]| i as u32);
        // C is row-major, so the kernel computes Cᵀ = Bᵀ·Aᵀ; B's stepped
        // rows make Bᵀ's columns non-contiguous, which takes the blocked path.
        let a = operand::<f64>(s, n, n, STEPPED, 1);
        let b = operand::<f64>(s, n, n, STEPPED, 2);
        let before = bumper::default_buffer_stats().used_bytes;
        let c = a.matmul_in(b, s);
        let want = naive(1.0, &a.to_vec(), &b.to_vec(), 0.0, &[], (n, n, n));
        check(&c.to_vec(), &want, n, "blocked product in a scope");
        assert!(keep.iter().enumerate().all(|(i, &x)| x == i as u32));
        let after = bumper::default_buffer_stats().used_bytes;
        assert_eq!(after - before, n * n * 8, "only the result stays allocated");
    });
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 3 } else { 48 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const MAX_DIM: usize = if cfg!(miri) { 7 } else { 90 };

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_shapes_and_layouts_match_the_model(
        m in 0..=MAX_DIM, n in 0..=MAX_DIM, k in 0..=MAX_DIM,
        la in 0..5usize, lb in 0..5usize, lc in 0..4usize,
        beta in prop_oneof![Just(0_i64), Just(1), Just(2)],
    ) {
        case::<f64>((m, n, k), (la, lb, lc), 3, beta);
        case::<i32>((m, n, k), (lb, la, lc), 1, beta);
    }
}

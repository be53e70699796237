//! Reductions with concrete values: `sum`, `prod`, `min`, `max`, `mean`,
//! `dot` / `try_dot`, `norm`, `fold`, and `sum_axis` / `mean_axis` /
//! `max_axis` / `min_axis`, on contiguous, transposed, stepped (including
//! reversed), broadcast, empty and rank-0 arrays; the accuracy of the float
//! sums; NaN propagation; bad input.

use bumper::array::ShapeError;
use bumper::{ArrayView, Buffer, SlabBuffer};

/// `a[i, j] = 3 i + j + 1` for a 2×3 matrix: 1..=6.
fn one_to_six<'s>(s: &bumper::Scope<'s>) -> bumper::PtrArray<'s, f64, 2> {
    s.alloc_from_slice([2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
}

#[test]
fn contiguous_values() {
    bumper::no_escape(|s| {
        let a = one_to_six(s);
        assert_eq!(a.sum(), 21.0);
        assert_eq!(a.prod(), 720.0);
        assert_eq!(a.min(), Some(1.0));
        assert_eq!(a.max(), Some(6.0));
        assert_eq!(a.mean(), Some(3.5));
        assert_eq!(a.dot(&a), 91.0);
        assert_eq!(a.norm(), 91f64.sqrt());
        assert_eq!(a.fold(0.0, |acc, &x| acc * 10.0 + x), 123456.0);

        let v = a.view();
        assert_eq!(v.sum(), 21.0);
        assert_eq!(v.prod(), 720.0);
        assert_eq!(
            (v.min(), v.max(), v.mean()),
            (Some(1.0), Some(6.0), Some(3.5))
        );
        assert_eq!(v.dot(v), 91.0);
        assert_eq!(v.try_dot(&a), Ok(91.0));

        let ints = s.alloc_from_slice([5], &[3_i64, -7, 12, 0, 5]);
        assert_eq!(ints.sum(), 13);
        assert_eq!(ints.prod(), 0);
        assert_eq!((ints.min(), ints.max()), (Some(-7), Some(12)));
        assert_eq!(ints.mean(), Some(2)); // integer division
        assert_eq!(ints.dot(&ints), 9 + 49 + 144 + 25);
    });
}

#[test]
fn transposed_views() {
    bumper::no_escape(|s| {
        let a = one_to_six(s);
        let t = a.t(); // 3x2: [[1, 4], [2, 5], [3, 6]]
        assert_eq!(t.shape(), [3, 2]);
        assert_eq!(t.sum(), 21.0);
        assert_eq!(t.prod(), 720.0);
        assert_eq!(
            (t.min(), t.max(), t.mean()),
            (Some(1.0), Some(6.0), Some(3.5))
        );
        assert_eq!(t.norm(), 91f64.sqrt());
        // Logical order of the transpose: 1, 4, 2, 5, 3, 6.
        assert_eq!(t.fold(0.0, |acc, &x| acc * 10.0 + x), 142536.0);
        // t . t = a . a; t . (a^T as a copy) pairs the same elements.
        assert_eq!(t.dot(t), 91.0);
        let copy = s.alloc_from_slice([3, 2], &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
        assert_eq!(t.dot(&copy), 91.0);
        // Pairs a[i, j] with b[i, j] = (j + 1) in the other layout.
        let b = s.alloc_from_slice([3, 2], &[1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
        assert_eq!(t.dot(&b), 1.0 + 8.0 + 2.0 + 10.0 + 3.0 + 12.0);
        assert_eq!(b.dot(t), 36.0);
    });
}

#[test]
fn stepped_and_reversed_views() {
    bumper::no_escape(|s| {
        // a[i, j] = 10 i + j, 3x5
        let a = s.alloc_with([3, 5], |[i, j]| (10 * i + j) as i64);
        // every other column: [[0, 2, 4], [10, 12, 14], [20, 22, 24]]
        let cols = a.slice_axis_step(1, .., 2);
        assert_eq!(cols.sum(), 6 + 36 + 66);
        assert_eq!((cols.min(), cols.max()), (Some(0), Some(24)));
        assert_eq!(
            cols.fold(Vec::new(), push),
            [0, 2, 4, 10, 12, 14, 20, 22, 24]
        );
        // reversed rows: one block in memory, read as a slice
        let rev = a.slice_axis_step(0, .., -1);
        assert_eq!(rev.strides(), [-5, 1]);
        assert_eq!(rev.sum(), 10 + 60 + 110);
        assert_eq!(rev.fold(Vec::new(), push)[..6], [20, 21, 22, 23, 24, 10]);
        // both axes reversed, every other column: [[24, 22, 20], [14, 12, 10], [4, 2, 0]]
        let both = a
            .view()
            .slice_axis_step(0, .., -1)
            .slice_axis_step(1, .., -2);
        assert_eq!(both.strides(), [-5, -2]);
        assert_eq!(both.sum(), 108);
        assert_eq!(both.prod(), 0);
        assert_eq!(
            both.fold(Vec::new(), push),
            [24, 22, 20, 14, 12, 10, 4, 2, 0]
        );
        // 24*0 + 22*2 + 20*4 + 14*10 + 12*12 + 10*14 + 4*20 + 2*22 + 0*24
        assert_eq!(both.dot(cols), 672);
        // a reversed 1-D view
        let x = s.alloc_from_slice([4], &[1.5, -2.0, 4.0, 0.5]);
        let rx = x.slice_axis_step(0, .., -1);
        assert_eq!((rx.sum(), rx.max(), rx.min()), (4.0, Some(4.0), Some(-2.0)));
        assert_eq!(rx.dot(&x), 0.5 * 1.5 + 4.0 * -2.0 + -2.0 * 4.0 + 1.5 * 0.5);
        assert_eq!(rx.mean(), Some(1.0));
    });
}

fn push<T: Copy>(mut v: Vec<T>, x: &T) -> Vec<T> {
    v.push(*x);
    v
}

#[test]
fn broadcast_views() {
    bumper::no_escape(|s| {
        let row = s.alloc_from_slice([3], &[1.0, 2.0, 3.0]);
        let b = row.view().broadcast_to([4, 3]).unwrap();
        assert_eq!(b.strides(), [0, 1]);
        assert_eq!(b.sum(), 24.0);
        assert_eq!(b.prod(), 1296.0); // 6^4
        assert_eq!(
            (b.min(), b.max(), b.mean()),
            (Some(1.0), Some(3.0), Some(2.0))
        );
        assert_eq!(b.dot(b), 4.0 * 14.0);
        assert_eq!(b.norm(), 56f64.sqrt());
        assert_eq!(b.fold(0, |n, _| n + 1), 12);
        // a column repeated: strides [1, 0]
        let col = s.alloc_from_slice([2, 1], &[5, 7]);
        let c = col.view().broadcast_to([2, 4]).unwrap();
        assert_eq!(c.sum(), 48);
        assert_eq!(c.fold(Vec::new(), push), [5, 5, 5, 5, 7, 7, 7, 7]);
        // one element everywhere
        let one = s.alloc_filled([1], 0.25_f32);
        let e = one.view().broadcast_to([10, 10, 10]).unwrap();
        assert_eq!(e.sum(), 250.0);
        assert_eq!(e.max(), Some(0.25));
    });
}

#[test]
fn empty_arrays() {
    bumper::no_escape(|s| {
        for a in [s.alloc::<f64, 2>([0, 3]), s.alloc::<f64, 2>([4, 0])] {
            assert_eq!(a.sum(), 0.0);
            assert_eq!(a.prod(), 1.0);
            assert_eq!((a.min(), a.max(), a.mean()), (None, None, None));
            assert_eq!(a.dot(&a), 0.0);
            assert_eq!(a.norm(), 0.0);
            assert_eq!(a.fold(7, |n, _| n + 1), 7);
            assert_eq!(a.t().sum(), 0.0);
        }
        let e = s.alloc::<i32, 1>([0]);
        assert_eq!((e.sum(), e.prod(), e.max()), (0, 1, None));
    });
}

#[test]
fn rank_zero_arrays() {
    bumper::no_escape(|s| {
        let a = s.alloc_filled([], -2.5_f64);
        assert_eq!(a.len(), 1);
        assert_eq!((a.sum(), a.prod()), (-2.5, -2.5));
        assert_eq!(
            (a.min(), a.max(), a.mean()),
            (Some(-2.5), Some(-2.5), Some(-2.5))
        );
        assert_eq!(a.dot(&a), 6.25);
        assert_eq!(a.norm(), 2.5);
        assert_eq!(a.fold(1.0, |acc, &x| acc - x), 3.5);
        let nan = s.alloc_filled([], f32::NAN);
        assert!(nan.max().unwrap().is_nan() && nan.sum().is_nan());
    });
}

#[test]
fn nan_propagates_through_min_and_max() {
    bumper::no_escape(|s| {
        for pos in [0, 1, 7, 40, 99] {
            let mut a = s.alloc_with([100], |[i]| i as f64);
            a[[pos]] = f64::NAN;
            assert!(a.max().unwrap().is_nan(), "max, NaN at {pos}");
            assert!(a.min().unwrap().is_nan(), "min, NaN at {pos}");
            assert!(a.sum().is_nan());
            assert!(a.norm().is_nan());
            // strided: the NaN is in the view iff pos is even
            let even = a.slice_axis_step(0, .., 2);
            assert_eq!(
                even.max().unwrap().is_nan(),
                pos % 2 == 0,
                "strided max, NaN at {pos}"
            );
            if pos % 2 == 1 {
                assert_eq!(even.max(), Some(98.0));
                assert_eq!(even.min(), Some(0.0));
            }
        }
        let m = s.alloc_from_slice([2, 3], &[1.0, f32::NAN, 3.0, 4.0, 5.0, -6.0]);
        let mx = m.max_axis::<1>(0, s).unwrap();
        assert_eq!(mx[[0]], 4.0);
        assert!(mx[[1]].is_nan());
        assert_eq!(mx[[2]], 3.0);
        let mn = m.min_axis::<1>(1, s).unwrap();
        assert!(mn[[0]].is_nan());
        assert_eq!(mn[[1]], -6.0);
        // infinities are ordered: no NaN
        let inf = s.alloc_from_slice([3], &[f64::NEG_INFINITY, 0.0, f64::INFINITY]);
        assert_eq!(
            (inf.min(), inf.max()),
            (Some(f64::NEG_INFINITY), Some(f64::INFINITY))
        );
    });
}

#[test]
fn norm_rescales_when_squares_overflow_or_underflow() {
    bumper::no_escape(|s| {
        let big = s.alloc_from_slice([2], &[3e200_f64, 4e200]);
        assert!((big.norm() / 5e200 - 1.0).abs() < 1e-15);
        let tiny = s.alloc_from_slice([2], &[3e-200_f64, -4e-200]);
        assert!((tiny.norm() / 5e-200 - 1.0).abs() < 1e-15);
        let inf = s.alloc_from_slice([3], &[1.0, f64::NEG_INFINITY, 2.0]);
        assert_eq!(inf.norm(), f64::INFINITY);
        let zeros = s.alloc::<f32, 2>([3, 3]);
        assert_eq!(zeros.norm(), 0.0);
    });
}

#[test]
fn try_dot_and_dot_need_equal_shapes() {
    bumper::no_escape(|s| {
        let a = s.alloc::<f64, 2>([2, 3]);
        let b = s.alloc::<f64, 2>([3, 2]);
        assert_eq!(
            a.try_dot(&b),
            Err(ShapeError::ShapeMismatch {
                left: vec![2, 3],
                right: vec![3, 2]
            })
        );
        // no broadcasting either
        let row = s.alloc::<f64, 2>([1, 3]);
        assert!(a.view().try_dot(&row).is_err());
        assert_eq!(a.try_dot(b.t()), Ok(0.0));
    });
}

#[test]
#[should_panic(
    expected = "dot: shapes [2, 3] and [3, 2] differ; the operation needs arrays of the same shape"
)]
fn dot_shape_mismatch_panics_with_both_shapes() {
    bumper::no_escape(|s| {
        let a = s.alloc::<f64, 2>([2, 3]);
        let b = s.alloc::<f64, 2>([3, 2]);
        a.dot(&b);
    });
}

#[test]
#[should_panic(expected = "mean: the element count 300 is not representable in the element type")]
fn mean_panics_when_the_count_does_not_fit() {
    bumper::no_escape(|s| {
        s.alloc::<u8, 1>([300]).mean();
    });
}

/// `a[i, j, k] = 100 i + 10 j + k`, shape [2, 3, 4].
fn cube<'s>(s: &bumper::Scope<'s>) -> bumper::PtrArray<'s, f64, 3> {
    s.alloc_with([2, 3, 4], |[i, j, k]| (100 * i + 10 * j + k) as f64)
}

#[test]
fn sum_axis_of_a_3d_array() {
    bumper::no_escape(|s| {
        let a = cube(s);
        // sum over i: 100 + 20 j + 2 k
        let s0 = a.sum_axis::<2>(0, s);
        assert_eq!(s0.shape(), [3, 4]);
        assert_eq!(
            s0.to_vec(),
            [100., 102., 104., 106., 120., 122., 124., 126., 140., 142., 144., 146.]
        );
        // sum over j: 300 i + 30 + 3 k
        let s1 = a.sum_axis::<2>(1, s);
        assert_eq!(s1.shape(), [2, 4]);
        assert_eq!(s1.to_vec(), [30., 33., 36., 39., 330., 333., 336., 339.]);
        // sum over k: 400 i + 40 j + 6
        let s2 = a.view().sum_axis::<2>(2, s);
        assert_eq!(s2.shape(), [2, 3]);
        assert_eq!(s2.to_vec(), [6., 46., 86., 406., 446., 486.]);
    });
}

#[test]
fn mean_max_min_axis_of_a_3d_array() {
    bumper::no_escape(|s| {
        let a = cube(s);
        let m = |axis| a.mean_axis::<2>(axis, s).unwrap().to_vec();
        assert_eq!(
            m(0),
            [50., 51., 52., 53., 60., 61., 62., 63., 70., 71., 72., 73.]
        );
        assert_eq!(m(1), [10., 11., 12., 13., 110., 111., 112., 113.]);
        assert_eq!(m(2), [1.5, 11.5, 21.5, 101.5, 111.5, 121.5]);
        let mx = |axis| a.max_axis::<2>(axis, s).unwrap().to_vec();
        assert_eq!(
            mx(0),
            [100., 101., 102., 103., 110., 111., 112., 113., 120., 121., 122., 123.]
        );
        assert_eq!(mx(1), [20., 21., 22., 23., 120., 121., 122., 123.]);
        assert_eq!(mx(2), [3., 13., 23., 103., 113., 123.]);
        let mn = |axis| a.view().min_axis::<2>(axis, s).unwrap().to_vec();
        assert_eq!(
            mn(0),
            [0., 1., 2., 3., 10., 11., 12., 13., 20., 21., 22., 23.]
        );
        assert_eq!(mn(1), [0., 1., 2., 3., 100., 101., 102., 103.]);
        assert_eq!(mn(2), [0., 10., 20., 100., 110., 120.]);
    });
}

#[test]
fn axis_reductions_of_permuted_reversed_and_broadcast_views() {
    bumper::no_escape(|s| {
        let a = cube(s);
        // b[k, i, j] = a[i, j, k]: axis 0 is now the innermost in memory.
        let b = a.permuted_axes([2, 0, 1]);
        assert_eq!(b.strides(), [1, 12, 4]);
        assert_eq!(
            b.sum_axis::<2>(0, s).to_vec(),
            [6., 46., 86., 406., 446., 486.]
        );
        assert_eq!(
            b.sum_axis::<2>(2, s).to_vec(),
            [30., 330., 33., 333., 36., 336., 39., 339.]
        );
        assert_eq!(
            b.max_axis::<2>(0, s).unwrap().to_vec(),
            [3., 13., 23., 103., 113., 123.]
        );
        assert_eq!(
            b.mean_axis::<2>(1, s).unwrap().to_vec(),
            [50., 60., 70., 51., 61., 71., 52., 62., 72., 53., 63., 73.]
        );
        // reversed k: c[i, j, k] = a[i, j, 3 - k]
        let c = a.slice_axis_step(2, .., -1);
        assert_eq!(
            c.sum_axis::<2>(0, s).to_vec(),
            [106., 104., 102., 100., 126., 124., 122., 120., 146., 144., 142., 140.]
        );
        assert_eq!(
            c.sum_axis::<2>(2, s).to_vec(),
            [6., 46., 86., 406., 446., 486.]
        );
        assert_eq!(
            c.min_axis::<2>(2, s).unwrap().to_vec(),
            [0., 10., 20., 100., 110., 120.]
        );
        // every other j, reversed i: d[i, j, k] = a[1 - i, 2 j, k], shape [2, 2, 4]
        let d = a
            .view()
            .slice_axis_step(0, .., -1)
            .slice_axis_step(1, .., 2);
        assert_eq!(
            d.sum_axis::<2>(0, s).to_vec(),
            [100., 102., 104., 106., 140., 142., 144., 146.]
        );
        assert_eq!(
            d.sum_axis::<2>(1, s).to_vec(),
            [220., 222., 224., 226., 20., 22., 24., 26.]
        );
        // broadcast: a row repeated 4 times (stride 0 on axis 0)
        let row = s.alloc_from_slice([3], &[1, 2, 3]);
        let r = row.view().broadcast_to([4, 3]).unwrap();
        assert_eq!(r.sum_axis::<1>(0, s).to_vec(), [4, 8, 12]);
        assert_eq!(r.sum_axis::<1>(1, s).to_vec(), [6, 6, 6, 6]);
        assert_eq!(r.max_axis::<1>(0, s).unwrap().to_vec(), [1, 2, 3]);
        assert_eq!(r.min_axis::<1>(1, s).unwrap().to_vec(), [1, 1, 1, 1]);
    });
}

#[test]
fn axis_reductions_of_empty_and_long_axes() {
    bumper::no_escape(|s| {
        // An empty axis: sums are zero, means and extremes are None.
        let e = s.alloc::<f64, 2>([0, 3]);
        assert_eq!(e.sum_axis::<1>(0, s).to_vec(), [0.0; 3]);
        assert!(e.mean_axis::<1>(0, s).is_none());
        assert!(e.max_axis::<1>(0, s).is_none());
        assert!(e.view().min_axis::<1>(0, s).is_none());
        // Reducing a non-empty axis of an empty array: an empty result.
        assert_eq!(e.sum_axis::<1>(1, s).shape(), [0]);
        assert_eq!(e.max_axis::<1>(1, s).unwrap().shape(), [0]);
        // A 1-D array reduces to rank 0.
        let v = s.alloc_from_slice([4], &[1, 2, 3, 4]);
        assert_eq!(v.sum_axis::<0>(0, s)[[]], 10);
        assert_eq!(v.max_axis::<0>(0, s).unwrap()[[]], 4);
        // Axis lengths that are not a multiple of the four-row groups, and
        // rows longer than one pairwise leaf.
        let n = if cfg!(miri) { 2100 } else { 5000 };
        let m = s.alloc_with([7, n], |[i, j]| (i * n + j) as i64);
        let s0 = m.sum_axis::<1>(0, s);
        assert_eq!(s0[[0]], 21 * n as i64);
        assert_eq!(s0[[n - 1]], 21 * n as i64 + 7 * (n as i64 - 1));
        let s1 = m.sum_axis::<1>(1, s);
        let tri = (n * (n - 1) / 2) as i64;
        assert_eq!(
            s1.to_vec(),
            (0..7).map(|i| i * (n * n) as i64 + tri).collect::<Vec<_>>()
        );
        let t1 = m.t().sum_axis::<1>(0, s);
        assert_eq!(t1.to_vec(), s1.to_vec());
        assert_eq!(m.max_axis::<1>(1, s).unwrap()[[6]], (7 * n - 1) as i64);
        assert_eq!(m.sum(), (7 * n * (7 * n - 1) / 2) as i64);
    });
}

#[test]
#[should_panic(expected = "sum_axis: axis 2 is out of bounds for a rank-2 array")]
fn sum_axis_panics_on_a_bad_axis() {
    bumper::no_escape(|s| {
        s.alloc::<f64, 2>([2, 2]).sum_axis::<1>(2, s);
    });
}

#[test]
#[should_panic(expected = "max_axis: axis 3 is out of bounds for a rank-3 array")]
fn max_axis_panics_on_a_bad_axis() {
    bumper::no_escape(|s| {
        s.alloc::<f64, 3>([2, 2, 2]).view().max_axis::<2>(3, s);
    });
}

/// The accuracy rule: n × 0.1_f32 sums to n / 10 within 1e-7 per element,
/// that is within 1.0 for n = 1e7 (where a plain loop is off by 87,937).
/// `full` is 1e7 (the rule's size); Miri, which is slow, gets 3000 (past
/// one 2048-element pairwise leaf; a multiple of 1000 for the reshapes).
fn tenths(full: usize) -> (usize, f64) {
    let n = if cfg!(miri) { 3_000 } else { full };
    (n, n as f64 * 1e-7)
}

#[test]
fn float_sum_and_dot_are_accurate() {
    let (n, tol) = tenths(10_000_000);
    let exact = n as f64 / 10.0;
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let a = buf.alloc_filled([n], 0.1_f32);
    let sum = a.sum();
    assert!((sum as f64 - exact).abs() < tol, "sum {sum}");
    let ones = buf.alloc_filled([n], 1.0_f32);
    let dot = a.dot(&ones);
    assert!((dot as f64 - exact).abs() < tol, "dot {dot}");
}

#[test]
fn float_sums_are_accurate_in_other_layouts() {
    let (n, tol) = tenths(1_000_000);
    let exact = n as f64 / 10.0;
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let a = buf.alloc_filled([n], 0.1_f32);
    let mean = a.mean().unwrap();
    assert!((mean - 0.1).abs() < 1e-7, "mean {mean}");
    let norm = a.norm() as f64; // sqrt(n / 100)
    assert!(
        (norm - (n as f64 / 100.0).sqrt()).abs() < 1e-4 * norm,
        "norm {norm}"
    );
    // backwards, and as a transposed matrix: one block in memory
    let rev = a.slice_axis_step(0, .., -1);
    assert!((rev.sum() as f64 - exact).abs() < tol, "sum {}", rev.sum());
    let m = a.reshape([n / 1000, 1000]).unwrap();
    assert!(
        (m.t().sum() as f64 - exact).abs() < tol,
        "sum {}",
        m.t().sum()
    );

    // n elements of 0.1 at every other position: one long strided row.
    let b = buf.alloc_with([2 * n], |[i]| if i % 2 == 0 { 0.1_f32 } else { 1e6 });
    let even = b.slice_axis_step(0, .., 2);
    assert!(
        (even.sum() as f64 - exact).abs() < tol,
        "sum {}",
        even.sum()
    );
    assert!(
        (even.dot(&a) as f64 - exact / 10.0).abs() < tol,
        "dot {}",
        even.dot(&a)
    );
    // Many short rows: 3 of every 4 columns.
    let rows = buf.alloc_with([n / 3, 4], |[_, j]| if j < 3 { 0.1_f32 } else { 1e6 });
    let short = rows.slice_axis(1, ..3);
    let exact_short = (n / 3 * 3) as f64 / 10.0;
    assert!(
        (short.sum() as f64 - exact_short).abs() < tol,
        "sum {}",
        short.sum()
    );
    // Rows of 1500 that straddle the pairwise leaves.
    let wide = buf.alloc_with(
        [n / 1500, 1600],
        |[_, j]| if j < 1500 { 0.1_f32 } else { 1e6 },
    );
    let cut = wide.slice_axis(1, ..1500);
    let exact_cut = (n / 1500 * 1500) as f64 / 10.0;
    assert!(
        (cut.sum() as f64 - exact_cut).abs() < tol,
        "sum {}",
        cut.sum()
    );
}

#[test]
fn integer_sums_are_exact_in_any_layout() {
    let n = if cfg!(miri) { 40 } else { 400 };
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let a = buf.alloc_with([n, n], |[i, j]| (i * n + j) as i64);
    let total = (n * n * (n * n - 1) / 2) as i64;
    assert_eq!(a.sum(), total);
    assert_eq!(a.t().sum(), total);
    assert_eq!(a.slice_axis_step(1, .., -1).sum(), total);
    // odd columns: sum over i, odd j of (i n + j)
    let odd = a.slice_axis_step(1, 1.., 2);
    let half = (n / 2) as i64;
    let (n64, rows) = (n as i64, (0..n as i64).sum::<i64>());
    assert_eq!(odd.sum(), half * n64 * rows + n64 * half * half);
    assert_eq!(odd.t().sum(), odd.sum());
    assert_eq!(a.view().dot(a.t()), {
        let mut d = 0;
        for i in 0..n {
            for j in 0..n {
                d += ((i * n + j) * (j * n + i)) as i64;
            }
        }
        d
    });
}

#[test]
fn views_from_slices_reduce_too() {
    let data = [4.0, 1.0, 3.0, 2.0];
    let v = ArrayView::from_slice([2, 2], &data[..]).unwrap();
    assert_eq!((v.sum(), v.max(), v.min()), (10.0, Some(4.0), Some(1.0)));
    assert_eq!(v.t().fold(String::new(), |s, x| s + &x.to_string()), "4312");
}

//! Statistics, search, cumulative operations and shape operations against
//! a naive `Vec` model: concrete cases, then proptests over row-major,
//! transposed, stepped and reversed 2-D and 3-D inputs (64 cases natively,
//! 3 under Miri).

use bumper::array::Slice;
use bumper::{ArrayView, Scope};
use proptest::prelude::*;

// ---- a model: shape + row-major data ------------------------------------------

#[derive(Clone, Debug)]
struct Model {
    shape: Vec<usize>,
    data: Vec<f64>,
}

impl Model {
    fn of<const N: usize>(a: ArrayView<'_, f64, N>) -> Model {
        Model {
            shape: a.shape().to_vec(),
            data: a.to_vec(),
        }
    }

    fn strides(&self) -> Vec<usize> {
        let mut st = vec![1; self.shape.len()];
        for k in (0..self.shape.len().saturating_sub(1)).rev() {
            st[k] = st[k + 1] * self.shape[k + 1];
        }
        st
    }

    /// The lanes along `axis`, in row-major order of the other axes.
    fn lanes(&self, axis: usize) -> Vec<Vec<f64>> {
        let st = self.strides();
        let n = self.shape[axis];
        let mut out = Vec::new();
        for flat in 0..self.data.len() {
            if (flat / st[axis]).is_multiple_of(n) {
                out.push((0..n).map(|k| self.data[flat + k * st[axis]]).collect());
            }
        }
        out
    }

    /// Applies `f` to every lane along `axis` (same length out), row-major.
    fn map_lanes(&self, axis: usize, f: impl Fn(&[f64]) -> Vec<f64>) -> Vec<f64> {
        let st = self.strides();
        let n = self.shape[axis];
        let mut out = self.data.clone();
        for flat in 0..self.data.len() {
            if (flat / st[axis]).is_multiple_of(n) {
                let lane: Vec<f64> = (0..n).map(|k| self.data[flat + k * st[axis]]).collect();
                for (k, v) in f(&lane).into_iter().enumerate() {
                    out[flat + k * st[axis]] = v;
                }
            }
        }
        out
    }
}

fn var_model(xs: &[f64], ddof: f64) -> f64 {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - ddof)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(close(*g, *w), "{what}: element {i} is {g}, want {w}");
    }
}

// ---- layouts -----------------------------------------------------------------------

/// A `[r, c]` view in layout `layout` (row-major, transposed storage,
/// stepped columns, reversed both axes) holding `vals` in row-major order.
fn view2<'s>(
    s: &Scope<'s>,
    [r, c]: [usize; 2],
    layout: usize,
    vals: &[f64],
) -> ArrayView<'s, f64, 2> {
    let v = |i: usize, j: usize| vals[i * c + j];
    match layout % 4 {
        0 => s.alloc_with([r, c], |[i, j]| v(i, j)).into_view(),
        1 => s.alloc_with([c, r], |[j, i]| v(i, j)).into_view().t(),
        2 => s
            .alloc_with(
                [r, 2 * c],
                |[i, j]| if j % 2 == 0 { v(i, j / 2) } else { f64::NAN },
            )
            .into_view()
            .slice_axis_step(1, .., 2),
        _ => s
            .alloc_with([r, c], |[i, j]| v(r - 1 - i, c - 1 - j))
            .into_view()
            .slice([Slice::from(..).step_by(-1), Slice::from(..).step_by(-1)]),
    }
}

// ---- concrete cases ----------------------------------------------------------------

#[test]
fn var_and_std_match_hand_computed_values() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([5], &[2.0, 4.0, 4.0, 4.0, 5.0]);
        // mean 3.8; squared deviations 3.24 + 0.04·3 + 1.44 = 4.8
        assert!(close(a.var(0.0), 0.96));
        assert!(close(a.var(1.0), 1.2));
        assert!(close(a.std(1.0), 1.2f64.sqrt()));
        // Catastrophic cancellation would give 0 or garbage here.
        let big = s.alloc_with([1000], |[i]| 1e12 + (i % 2) as f64);
        assert!(close(big.var(0.0), 0.25));
        let m = s.alloc_from_slice([2, 3], &[1.0, 2.0, 3.0, 7.0, 8.0, 12.0]);
        assert_close(
            &m.var_axis(0, 0.0, s).to_vec(),
            &[9.0, 9.0, 20.25],
            "var_axis(0)",
        );
        assert_close(
            &m.t().var_axis(1, 0.0, s).to_vec(),
            &[9.0, 9.0, 20.25],
            "var_axis(1) of the transpose",
        );
        assert_close(
            &m.std_axis(1, 1.0, s).to_vec(),
            &[1.0, 7f64.sqrt()],
            "std_axis(1)",
        );
    });
}

#[test]
#[should_panic(expected = "var: ddof must be between 0 and the element count 3")]
fn var_rejects_a_ddof_above_the_count() {
    bumper::no_escape(|s| {
        s.alloc_filled([3], 1.0).var(4.0);
    });
}

#[test]
#[should_panic(expected = "var: the variance of no elements is undefined")]
fn var_of_nothing_panics() {
    bumper::no_escape(|s| {
        s.alloc::<f64, 1>([0]).var(0.0);
    });
}

#[test]
fn argmax_argmin_first_in_row_major_order_and_none_for_nan() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2, 3], &[5, 1, 5, 0, 9, 0]);
        assert_eq!(a.argmax(), Some([1, 1]));
        assert_eq!(a.argmin(), Some([1, 0]));
        assert_eq!(a.t().argmin(), Some([0, 1])); // the view's own row-major order
        let f = s.alloc_from_slice([3], &[1.0, f64::NAN, 3.0]);
        assert_eq!((f.argmax(), f.argmin()), (None, None));
        let empty = s.alloc::<u8, 2>([2, 0]);
        assert_eq!(empty.argmax(), None);
        assert!(!empty.any(|_| true) && empty.all(|_| false));
    });
}

#[test]
fn cumulative_ops_match_the_model_on_three_axes() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3, 4], |[i, j, k]| (i * 12 + j * 4 + k) as f64 - 5.0);
        let m = Model::of(a.view());
        for axis in 0..3 {
            let scan = |f: fn(f64, f64) -> f64| {
                m.map_lanes(axis, |l| {
                    l.iter()
                        .scan(None, |acc: &mut Option<f64>, &x| {
                            *acc = Some(acc.map_or(x, |a| f(a, x)));
                            *acc
                        })
                        .collect()
                })
            };
            assert_close(
                &a.cumsum_axis(axis, s).to_vec(),
                &scan(|a, b| a + b),
                "cumsum_axis",
            );
            assert_close(
                &a.cumprod_axis(axis, s).to_vec(),
                &scan(|a, b| a * b),
                "cumprod_axis",
            );
            let mut b = a.view().map_in(s, |&x| x);
            b.accumulate_axis_inplace(axis, |&p, c| *c += p);
            assert_close(&b.to_vec(), &scan(|a, b| a + b), "accumulate_axis_inplace");
        }
        // Integers, and the innermost axis with more lanes than a group of 4.
        let i = s.alloc_with([7, 5], |[r, c]| (r * 5 + c) as i64);
        let want: Vec<i64> = (0..7)
            .flat_map(|r| (0..5).map(move |c| (0..=c).map(|k| (r * 5 + k) as i64).sum::<i64>()))
            .collect();
        assert_eq!(i.cumsum_axis(1, s).to_vec(), want);
    });
}

#[test]
fn diff_in_matches_numpy() {
    bumper::no_escape(|s| {
        let x = s.alloc_from_slice([5], &[1, 2, 4, 7, 0]);
        assert_eq!(x.diff_in(0, 0, s).to_vec(), [1, 2, 4, 7, 0]);
        assert_eq!(x.diff_in(3, 0, s).to_vec(), [0, -11]);
        assert_eq!(x.diff_in(5, 0, s).shape(), [0]);
        let m = s.alloc_from_slice([2, 4], &[1, 3, 6, 10, 0, 5, 6, 8]);
        assert_eq!(m.t().diff_in(1, 0, s).to_vec(), [2, 5, 3, 1, 4, 2]);
    });
}

#[test]
#[should_panic(
    expected = "diff_in: cannot take the difference of order 4 along axis 0 of length 3"
)]
fn diff_in_of_too_high_an_order_panics() {
    bumper::no_escape(|s| {
        s.alloc::<i32, 1>([3]).diff_in(4, 0, s);
    });
}

#[test]
fn shape_ops_move_no_data() {
    bumper::no_escape(|s| {
        let mut a = s.alloc_with([2, 3], |[i, j]| (10 * i + j) as i32);
        let p = a.as_ptr();
        let e = a.insert_axis(2);
        assert_eq!((e.shape(), e.as_ptr()), ([2, 3, 1], p));
        assert_eq!(e.remove_axis(2).to_vec(), a.to_vec());
        assert_eq!(a.insert_axis(0).remove_axis(0).shape(), [2, 3]);
        a.invert_axis(0);
        assert_eq!(a.to_vec(), [10, 11, 12, 0, 1, 2]);
        a.swap([0, 0], [1, 2]);
        assert_eq!(a.to_vec(), [2, 11, 12, 0, 1, 10]);
        a.invert_axis(0);
        assert_eq!(a.as_ptr(), p);
        assert_eq!(a.diag().to_vec(), [0, 11]);
        a.diag_mut().fill(-1);
        assert_eq!(a.to_vec(), [-1, 1, 10, 2, -1, 12]);
        assert_eq!(s.eye::<f32>(3).diag().to_vec(), [1.0; 3]);
        assert_eq!(s.linspace(-1.0, 1.0, 3).to_vec(), [-1.0, 0.0, 1.0]);
        assert_eq!(s.range(0.0, 3.0, 1.0).to_vec(), [0.0, 1.0, 2.0]);
    });
}

#[test]
#[should_panic(expected = "remove_axis: axis 1 has length 0")]
fn remove_axis_of_an_empty_axis_panics() {
    bumper::no_escape(|s| {
        let a = s.alloc::<u8, 2>([2, 0]);
        let _ = a.remove_axis(1);
    });
}

// ---- proptests --------------------------------------------------------------------

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 3 } else { 64 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const MAX: usize = if cfg!(miri) { 4 } else { 9 };

fn matrix() -> impl Strategy<Value = ([usize; 2], usize, Vec<f64>)> {
    (1..=MAX, 1..=MAX, 0..4usize).prop_flat_map(|(r, c, layout)| {
        (
            Just([r, c]),
            Just(layout),
            prop::collection::vec(-100.0..100.0f64, r * c),
        )
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn statistics_match_the_model((shape, layout, vals) in matrix(), ddof in 0..2usize) {
        bumper::no_escape(|s| {
            let a = view2(s, shape, layout, &vals);
            let m = Model::of(a);
            let ddof = ddof as f64;
            if (m.data.len() as f64) > ddof {
                prop_assert!(close(a.var(ddof), var_model(&m.data, ddof)));
            }
            for axis in 0..2 {
                if (m.shape[axis] as f64) > ddof {
                    let want: Vec<f64> = m.lanes(axis).iter().map(|l| var_model(l, ddof)).collect();
                    let got = a.var_axis(axis, ddof, s).to_vec();
                    prop_assert_eq!(got.len(), want.len());
                    for (g, w) in got.iter().zip(&want) {
                        prop_assert!(close(*g, *w), "var_axis({}) {} vs {}", axis, g, w);
                    }
                }
            }
            let first_max = (0..m.data.len()).fold(0, |b, i| if m.data[i] > m.data[b] { i } else { b });
            let first_min = (0..m.data.len()).fold(0, |b, i| if m.data[i] < m.data[b] { i } else { b });
            let c = shape[1];
            prop_assert_eq!(a.argmax(), Some([first_max / c, first_max % c]));
            prop_assert_eq!(a.argmin(), Some([first_min / c, first_min % c]));
            prop_assert_eq!(a.any(|&x| x > 50.0), m.data.iter().any(|&x| x > 50.0));
            prop_assert_eq!(a.all(|&x| x > -50.0), m.data.iter().all(|&x| x > -50.0));
            Ok(())
        })?;
    }

    #[test]
    fn cumulative_ops_match_the_model((shape, layout, vals) in matrix(), n in 0..4usize) {
        bumper::no_escape(|s| {
            let a = view2(s, shape, layout, &vals);
            let m = Model::of(a);
            for axis in 0..2 {
                let cum: Vec<f64> = m.map_lanes(axis, |l| {
                    l.iter().scan(0.0, |acc, &x| { *acc += x; Some(*acc) }).collect()
                });
                let got = a.cumsum_axis(axis, s).to_vec();
                for (g, w) in got.iter().zip(&cum) {
                    prop_assert!(close(*g, *w));
                }
                let mut b = a.map_in(s, |&x| x);
                b.accumulate_axis_inplace(axis, |&p, c| *c += p);
                for (g, w) in b.to_vec().iter().zip(&cum) {
                    prop_assert!(close(*g, *w));
                }
                if n <= shape[axis] {
                    let d = a.diff_in(n, axis, s);
                    let mut want_shape = shape;
                    want_shape[axis] -= n;
                    prop_assert_eq!(d.shape(), want_shape);
                    // Model: difference each lane n times, then gather.
                    let lanes: Vec<Vec<f64>> = m.lanes(axis).into_iter().map(|mut l| {
                        for _ in 0..n {
                            l = l.windows(2).map(|w| w[1] - w[0]).collect();
                        }
                        l
                    }).collect();
                    let got = d.to_vec();
                    let len = want_shape[axis];
                    for (li, lane) in lanes.iter().enumerate() {
                        for (k, w) in lane.iter().enumerate() {
                            // Row-major index of lane `li`, position `k`.
                            let idx = if axis == 0 { k * want_shape[1] + li } else { li * len + k };
                            prop_assert!(close(got[idx], *w));
                        }
                    }
                }
            }
            Ok(())
        })?;
    }

    #[test]
    fn shape_ops_match_the_model((shape, layout, vals) in matrix(), axis in 0..2usize) {
        bumper::no_escape(|s| {
            let a = view2(s, shape, layout, &vals);
            let m = Model::of(a);
            let mut inv = a;
            inv.invert_axis(axis);
            let want = m.map_lanes(axis, |l| l.iter().rev().copied().collect());
            prop_assert_eq!(inv.to_vec(), want);
            let e = a.insert_axis(axis);
            prop_assert_eq!(e.to_vec(), m.data.clone());
            prop_assert_eq!(e.remove_axis(axis).to_vec(), m.data.clone());
            let d: Vec<f64> = (0..shape[0].min(shape[1])).map(|i| m.data[i * shape[1] + i]).collect();
            prop_assert_eq!(a.diag().to_vec(), d);
            Ok(())
        })?;
    }
}

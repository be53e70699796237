//! `Zip` and `azip!`: every producer kind, one to six producers, mixed
//! element types, broadcasting, strided / transposed / reversed operands,
//! `fold`, `map_collect_in` and the shape errors; `par_for_each` natively
//! (its Miri-checked tests are in `tests/par.rs`, with the other rayon
//! tests). A property test compares a three-operand Zip over random
//! strided (transposed, stepped, reversed, broadcast) views with a `Vec`
//! model (64 cases natively, 3 under Miri).

// `&view` arguments are deliberate: they exercise `IntoNdProducer for &ArrayView`.
#![allow(clippy::needless_borrows_for_generic_args)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use bumper::array::{ShapeError, Zip};
use bumper::azip;
use proptest::prelude::*;

#[test]
fn every_producer_kind() {
    bumper::no_escape(|s| {
        let mut a = s.alloc::<i32, 1>([3]);
        let b = s.alloc_from_slice([3], &[1, 2, 3]);
        let v = b.view();
        Zip::from(&mut a)
            .and(&b)
            .and(v)
            .and(&v)
            .for_each(|a, &b, &c, &d| *a = b + 10 * c + 100 * d);
        assert_eq!(a.to_vec(), [111, 222, 333]);
        // A PtrArray by value (here a re-borrow) is written too.
        Zip::from(a.view_mut()).for_each(|x| *x += 1);
        assert_eq!(a.to_vec(), [112, 223, 334]);
        // Read-only PtrArray through a shared reference.
        assert_eq!(Zip::from(&a).fold(0, |acc, &x| acc + x), 669);
    });
}

#[test]
fn one_to_six_producers_with_mixed_types() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2], &[1_u8, 2]);
        let b = s.alloc_from_slice([2], &[10_i64, 20]);
        let c = s.alloc_from_slice([2], &[0.5_f32, 0.25]);
        let d = s.alloc_from_slice([2], &[true, false]);
        let e = s.alloc_from_slice([2], &['x', 'y']);
        let mut out = s.alloc::<f64, 1>([2]);
        Zip::from(&mut out)
            .and(&a)
            .and(&b)
            .and(&c)
            .and(&d)
            .and(&e)
            .for_each(|o, &a, &b, &c, &d, &e| {
                *o =
                    a as f64 + b as f64 * c as f64 + if d { 1000.0 } else { 0.0 } + e as u32 as f64;
            });
        assert_eq!(
            out.to_vec(),
            [1.0 + 5.0 + 1000.0 + 120.0, 2.0 + 5.0 + 121.0]
        );
        assert_eq!(Zip::from(&a).fold(0, |n, &x| n + x as i32), 3);
        assert_eq!(
            Zip::from(&a).and(&b).fold(0, |n, &x, &y| n + x as i64 * y),
            50
        );
        let six = Zip::from(&a)
            .and(&b)
            .and(&c)
            .and(&d)
            .and(&e)
            .and(&out)
            .map_collect_in(s, |&a, &b, _, &d, _, &o| {
                a as f64 + b as f64 + d as u8 as f64 + o
            });
        assert_eq!(
            six.to_vec(),
            [1.0 + 10.0 + 1.0 + 1126.0, 2.0 + 20.0 + 128.0]
        );
    });
}

#[test]
fn broadcasting_of_read_producers() {
    bumper::no_escape(|s| {
        let col = s.alloc_from_slice([3, 1], &[1, 2, 3]);
        let row = s.alloc_from_slice([1, 4], &[10, 20, 30, 40]);
        let outer = Zip::from(&col).and(&row).map_collect_in(s, |a, b| a * b);
        assert_eq!(outer.shape(), [3, 4]);
        assert_eq!(outer.strides(), [4, 1]);
        assert_eq!(
            outer.to_vec(),
            [10, 20, 30, 40, 20, 40, 60, 80, 30, 60, 90, 120]
        );
        let mut m = s.alloc::<i32, 2>([3, 4]);
        Zip::from(&mut m)
            .and(&col)
            .and(&row)
            .for_each(|m, &c, &r| *m = c + r);
        assert_eq!(m.index_axis(0, 2).to_vec(), [13, 23, 33, 43]);
        let one = s.alloc_filled([1, 1], 5);
        Zip::from(&mut m).and(&one).for_each(|m, &o| *m -= o);
        assert_eq!(m[[0, 0]], 6);
        // Rank 0.
        let mut z = s.alloc_filled([], 2.0);
        let w = s.alloc_filled([], 3.0);
        Zip::from(&mut z).and(&w).for_each(|z, w| *z *= w);
        assert_eq!(z[[]], 6.0);
    });
}

#[test]
fn empty_shapes_visit_nothing() {
    bumper::no_escape(|s| {
        let mut a = s.alloc::<u8, 2>([0, 3]);
        let b = s.alloc::<u8, 2>([1, 3]);
        let mut calls = 0;
        Zip::from(&mut a).and(&b).for_each(|_, _| calls += 1);
        assert_eq!(calls, 0);
        assert_eq!(Zip::from(&b).and(&a).fold(7, |n, _, _| n + 1), 7);
        let c = Zip::from(&a).and(&b).map_collect_in(s, |&x, &y| x + y);
        assert_eq!(c.shape(), [0, 3]);
    });
}

#[test]
fn strided_transposed_and_reversed_operands() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([3, 4], |[i, j]| (10 * i + j) as i64);
        let b = s.alloc_with([4, 3], |[i, j]| (100 * i + j) as i64);
        let mut y = s.alloc::<i64, 2>([3, 4]);
        Zip::from(&mut y)
            .and(&a)
            .and(b.t())
            .for_each(|y, &a, &b| *y = a + b);
        assert_eq!(y[[2, 3]], 23 + 302);
        assert_eq!(y[[1, 0]], 10 + 1);
        // A transposed written producer, a reversed and a stepped read one.
        let mut t = s.alloc::<i64, 2>([4, 3]);
        let rev = a.slice_axis_step(1, .., -1);
        Zip::from(t.t_mut()).and(rev).for_each(|t, &r| *t = r);
        assert_eq!(t.t().to_vec(), rev.to_vec());
        let every_other = a.slice_axis_step(1, .., 2);
        let sums = Zip::from(&every_other)
            .and(every_other.permuted_axes([0, 1]))
            .map_collect_in(s, |x, y| x + y);
        assert_eq!(sums.to_vec(), [0, 4, 20, 24, 40, 44]);
        // Memory order of the first producer: a transposed one is walked
        // in its own memory order, still pairing the right elements.
        let mut order = Vec::new();
        Zip::from(a.t()).for_each(|&x| order.push(x));
        order.sort_unstable();
        assert_eq!(order, a.iter().copied().collect::<Vec<_>>());
    });
}

#[track_caller]
fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    err.downcast_ref::<String>().cloned().unwrap_or_default()
}

#[test]
fn shapes_that_do_not_fit() {
    bumper::no_escape(|s| {
        let mut a = s.alloc::<i32, 2>([2, 3]);
        let b = s.alloc::<i32, 2>([3, 2]);
        let c = s.alloc::<i32, 2>([2, 1]);
        assert_eq!(
            panic_message(|| Zip::from(&a).and(&c).and(&b).for_each(|_, _, _| ())),
            "Zip: shapes [2, 3], [2, 1], [3, 2] do not broadcast together: per axis, lengths must be equal or 1"
        );
        let err = Zip::from(&mut a).try_and(&b).unwrap_err();
        assert_eq!(
            err,
            ShapeError::ZipShapes {
                shapes: vec![vec![2, 3], vec![3, 2]],
                written: None
            }
        );
        // A written producer must have the full shape.
        let mut small = s.alloc::<i32, 2>([2, 1]);
        let err = Zip::from(&a).try_and(&mut small).unwrap_err();
        assert_eq!(
            err,
            ShapeError::ZipShapes {
                shapes: vec![vec![2, 3], vec![2, 1]],
                written: Some(1)
            }
        );
        assert_eq!(
            err.to_string(),
            "Zip: shapes [2, 3], [2, 1]: producer 1 is written to, so it must have the full shape, not be broadcast"
        );
        let mut first = s.alloc::<i32, 2>([1, 3]);
        assert!(
            panic_message(|| Zip::from(&mut first).and(&a).for_each(|_, _| ()))
                .contains("producer 0 is written to")
        );
        // Broadcasting read producers still works next to a full written one.
        Zip::from(&mut a)
            .and(&c)
            .and(&first)
            .for_each(|a, &c, &f| *a = c + f);
        assert_eq!(a.to_vec(), [0; 6]);
    });
}

#[test]
fn azip_forms() {
    bumper::no_escape(|s| {
        let x = s.alloc_from_slice([4], &[1.0, 2.0, 3.0, 4.0]);
        let b = s.alloc_filled([1], 0.5);
        let mut y = s.alloc::<f64, 1>([4]);
        azip!((y in &mut y, &x in &x, &b in &b) *y = 2.0 * x + b);
        assert_eq!(y.to_vec(), [2.5, 4.5, 6.5, 8.5]);
        azip!((y in &mut y,) *y -= 0.5);
        assert_eq!(y.to_vec(), [2.0, 4.0, 6.0, 8.0]);
        let mut total = 0.0;
        azip!((&y in &y, x in x.view()) total += y * x);
        assert_eq!(total, 2.0 + 8.0 + 18.0 + 32.0);
    });
}

// ---- property test against a Vec model ------------------------------------------------

/// How a rank-2 operand of view shape `[rows, cols]` is laid out: its
/// memory is a row-major array, optionally transposed; along view axis 0
/// it takes every `step`-th row of `|step| * rows` (a negative step walks
/// backwards), and its columns are optionally reversed.
#[derive(Debug, Clone, Copy)]
struct Layout {
    transposed: bool,
    reversed: bool,
    step: isize,
}

impl Layout {
    /// Rows of the (view-space) array the operand is sliced from.
    fn base_rows(self, rows: usize) -> usize {
        self.step.unsigned_abs() * rows
    }

    /// The physical index of view index `[i, j]`.
    fn physical(self, rows: usize, cols: usize, i: usize, j: usize) -> (usize, usize) {
        let j = if self.reversed { cols - 1 - j } else { j };
        let k = self.step.unsigned_abs();
        let i = if self.step > 0 {
            i * k
        } else {
            self.base_rows(rows) - 1 - i * k
        };
        if self.transposed {
            (j, i)
        } else {
            (i, j)
        }
    }

    /// The physical shape of the array the operand is sliced from.
    fn physical_dims(self, rows: usize, cols: usize) -> [usize; 2] {
        let r = self.base_rows(rows);
        if self.transposed {
            [cols, r]
        } else {
            [r, cols]
        }
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 3 } else { 64 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn layout() -> impl Strategy<Value = Layout> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just(1isize), Just(-1), Just(2), Just(-2)],
    )
        .prop_map(|(transposed, reversed, step)| Layout {
            transposed,
            reversed,
            step,
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn three_strided_operands_match_the_model(
        rows in 0..6usize,
        cols in 0..6usize,
        ly in layout(),
        la in layout(),
        lb in layout(),
        bcast in 0..3usize,
    ) {
        bumper::no_escape(|s| {
            // Each operand is made so that its *view* has shape [rows, cols].
            let make = |l: Layout, seed: i64| {
                let base = s.alloc_with(l.physical_dims(rows, cols), |[i, j]| {
                    seed + (i * 100 + j) as i64
                });
                let v = if l.transposed { base.into_view().t() } else { base.into_view() };
                let v = v.slice_axis_step(0, .., l.step);
                if l.reversed { v.slice_axis_step(1, .., -1) } else { v }
            };
            let model = |l: Layout, seed: i64, i: usize, j: usize| {
                let (i, j) = l.physical(rows, cols, i, j);
                seed + (i * 100 + j) as i64
            };
            let a = make(la, 1000);
            // b: either the full shape or a broadcast row / column.
            let b_full = make(lb, 2000);
            let b = match bcast {
                0 => b_full,
                1 if rows > 0 => b_full.slice_axis(0, 0..1),
                2 if cols > 0 => b_full.slice_axis(1, 0..1),
                _ => b_full,
            };
            let mut ybase = s.alloc::<i64, 2>(ly.physical_dims(rows, cols));
            let mut y0 = if ly.transposed { ybase.t_mut() } else { ybase.view_mut() };
            let mut y1 = y0.slice_axis_step_mut(0, .., ly.step);
            let mut y = if ly.reversed { y1.slice_axis_step_mut(1, .., -1) } else { y1.view_mut() };
            Zip::from(&mut y).and(&a).and(&b).for_each(|y, &a, &b| *y = 3 * a - b);
            let b_at = |i: usize, j: usize| match bcast {
                1 if rows > 0 => model(lb, 2000, 0, j),
                2 if cols > 0 => model(lb, 2000, i, 0),
                _ => model(lb, 2000, i, j),
            };
            let mut expected = Vec::new();
            for i in 0..rows {
                for j in 0..cols {
                    expected.push(3 * model(la, 1000, i, j) - b_at(i, j));
                }
            }
            prop_assert_eq!(y.to_vec(), expected.clone());
            let collected = Zip::from(&a).and(&b).map_collect_in(s, |&a, &b| 3 * a - b);
            prop_assert_eq!(collected.to_vec(), expected.clone());
            prop_assert_eq!(Zip::from(&a).and(&b).fold(0, |n, &a, &b| n + 3 * a - b), expected.iter().sum::<i64>());
            Ok(())
        })?;
    }
}

#[test]
fn map_in_and_zip_map_in_visit_in_logical_order() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([3, 4], |[i, j]| 10 * i + j);
        let t = a.t();
        let mut seen = Vec::new();
        let copy = t.map_in(s, |&x| {
            seen.push(x);
            x
        });
        assert_eq!(seen, t.to_vec());
        assert_eq!(copy.to_vec(), t.to_vec());
        seen.clear();
        let col = s.alloc_from_slice([4, 1], &[0, 100, 200, 300]);
        let sums = t.zip_map_in(s, &col, |&x, &c| {
            seen.push(x);
            x + c
        });
        assert_eq!(seen, t.to_vec());
        assert_eq!(sums[[3, 2]], 23 + 300);
    });
}

// ---- more concrete cases ------------------------------------------------------------

#[test]
#[should_panic(expected = "Zip: shapes [2, 3], [3, 2] do not broadcast together")]
fn and_panics_naming_both_shapes() {
    bumper::no_escape(|s| {
        let a = s.alloc::<f64, 2>([2, 3]);
        let b = s.alloc::<f64, 2>([3, 2]);
        let _ = Zip::from(&a).and(&b);
    });
}

#[test]
#[should_panic(expected = "Zip: shapes [4, 1], [4, 5]: producer 0 is written to")]
fn a_written_producer_is_never_broadcast() {
    bumper::no_escape(|s| {
        let mut col = s.alloc::<f64, 2>([4, 1]);
        let m = s.alloc::<f64, 2>([4, 5]);
        Zip::from(&mut col).and(&m).for_each(|c, &m| *c += m);
    });
}

#[test]
fn the_sixth_producer_is_checked_and_named() {
    bumper::no_escape(|s| {
        let a = s.alloc::<u8, 1>([3]);
        let b = s.alloc::<u8, 1>([1]);
        let c = s.alloc::<u8, 1>([2]);
        let err = Zip::from(&a)
            .and(&b)
            .and(&a)
            .and(&b)
            .and(&a)
            .try_and(&c)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Zip: shapes [3], [1], [3], [1], [3], [2] do not broadcast together: per axis, lengths must be equal or 1"
        );
        // The crate root re-exports Zip.
        assert_eq!(bumper::Zip::from(&a).and(&b).shape(), [3]);
    });
}

#[test]
fn three_d_permuted_and_stepped_operands() {
    bumper::no_escape(|s| {
        // a[i, j, k] = 100 i + 10 j + k, shape [2, 3, 4].
        let a = s.alloc_with([2, 3, 4], |[i, j, k]| (100 * i + 10 * j + k) as i32);
        // p[k, i, j] = a[i, j, k]: shape [4, 2, 3].
        let p = a.permuted_axes([2, 0, 1]);
        // q: shape [4, 2, 3] from a [4, 4, 6] array, every other index on
        // axes 1 and 2, axis 0 reversed.
        let big = s.alloc_with([4, 4, 6], |[i, j, k]| (1000 * i + 100 * j + k) as i32);
        let q = big
            .slice_axis_step(1, .., 2)
            .slice_axis_step(2, .., 2)
            .slice_axis_step(0, .., -1);
        assert_eq!(q.shape(), [4, 2, 3]);
        // Written through a permuted view of a [2, 3, 4] array.
        let mut base = s.alloc::<i32, 3>([2, 3, 4]);
        Zip::from(base.permuted_axes_mut([2, 0, 1]))
            .and(p)
            .and(&q)
            .for_each(|o, &p, &q| *o = q - p);
        let out = base.permuted_axes([2, 0, 1]);
        for k in 0..4 {
            for i in 0..2 {
                for j in 0..3 {
                    let pv = (100 * i + 10 * j + k) as i32;
                    let qv = (1000 * (3 - k) + 100 * (2 * i) + 2 * j) as i32;
                    assert_eq!(out[[k, i, j]], qv - pv, "at [{k}, {i}, {j}]");
                }
            }
        }
        assert_eq!(out[[0, 0, 0]], 3000);
        assert_eq!(out[[3, 1, 2]], 200 + 4 - 123);
        let collected = Zip::from(&q).and(p).map_collect_in(s, |&q, &p| q - p);
        assert_eq!(collected.strides(), [6, 3, 1]);
        assert_eq!(collected.to_vec(), out.to_vec());
    });
}

#[test]
fn a_single_producer_is_walked_in_its_memory_order() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as u8);
        let mut seen = Vec::new();
        Zip::from(a.t()).for_each(|&x| seen.push(x));
        assert_eq!(seen, [0, 1, 2, 3, 4, 5]);
        seen.clear();
        Zip::from(a.slice_axis_step(1, .., -1)).for_each(|&x| seen.push(x));
        // Reversed rows are walked backwards: forwards in memory.
        assert_eq!(seen, [0, 1, 2, 3, 4, 5]);
    });
}

#[test]
fn a_by_value_producer_hands_out_long_lived_references() {
    bumper::no_escape(|s| {
        let mut a = s.alloc::<i32, 2>([2, 2]);
        let mut refs: Vec<&mut i32> = Vec::new();
        Zip::from(a.view_mut()).for_each(|x| refs.push(x));
        for (k, r) in refs.into_iter().enumerate() {
            *r = k as i32 + 1;
        }
        assert_eq!(a.to_vec(), [1, 2, 3, 4]);
        let v = a.view();
        let mut shared: Vec<&i32> = Vec::new();
        Zip::from(v).for_each(|x| shared.push(x));
        assert_eq!(shared, [&1, &2, &3, &4]);
    });
}

#[test]
fn broadcasting_edge_cases() {
    bumper::no_escape(|s| {
        // Rank 0: one element, map_collect_in included.
        let x = s.alloc_filled([], 4_i64);
        let y = s.alloc_filled([], 5_i64);
        let z = Zip::from(&x).and(y.view()).map_collect_in(s, |a, b| a * b);
        assert_eq!(z.shape(), []);
        assert_eq!(z[[]], 20);
        assert_eq!(Zip::from(&x).fold(1, |n, &x| n + x), 5);
        // A 0-length axis broadcast against a 1: the result is empty.
        let e = s.alloc::<u8, 2>([1, 0]);
        let col = s.alloc::<u8, 2>([3, 1]);
        let z = Zip::from(&e).and(&col).map_collect_in(s, |&a, &b| a + b);
        assert_eq!(z.shape(), [3, 0]);
        assert_eq!(Zip::from(&col).and(&e).fold(0, |n, _, _| n + 1), 0);
        // A read producer that is only broadcast, first in the Zip.
        let one = s.alloc_filled([1, 1], 2_i64);
        let mut m = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as i64);
        Zip::from(&one).and(&mut m).for_each(|&o, m| *m *= o);
        assert_eq!(m.to_vec(), [0, 2, 4, 6, 8, 10]);
        // Inner axis broadcast (stride 0 in the rows) next to a transposed operand.
        let col = s.alloc_from_slice([2, 1], &[100_i64, 200]);
        let t = s.alloc_with([3, 2], |[i, j]| (10 * i + j) as i64);
        let r = Zip::from(&m)
            .and(&col)
            .and(t.t())
            .map_collect_in(s, |&m, &c, &t| m + c + t);
        assert_eq!(r.to_vec(), [100, 112, 124, 207, 219, 231]);
    });
}

#[test]
fn map_collect_in_survives_a_panicking_closure() {
    bumper::no_escape(|s| {
        let n = if cfg!(miri) { 10 } else { 1000 };
        let a = s.alloc_with([n], |[i]| i as u32);
        let mut calls = 0;
        let r = catch_unwind(AssertUnwindSafe(|| {
            Zip::from(&a).map_collect_in(s, |&x| {
                calls += 1;
                assert!(x < 5, "stop at {x}");
                x
            })
        }));
        assert!(r.is_err());
        assert_eq!(calls, 6);
        // The scope is still usable and the next allocation is fine.
        let b = Zip::from(&a).map_collect_in(s, |&x| x * 2);
        assert_eq!(b[[n - 1]], 2 * (n as u32 - 1));
    });
}

#[test]
fn fold_sees_every_position_once() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([3, 4], |[i, j]| (4 * i + j) as u64);
        let b = s.alloc_with([4, 3], |[i, j]| (3 * i + j) as u64);
        // Sum of a[i, j] * b[j, i] (b transposed), and the count.
        let (n, dot) = Zip::from(&a)
            .and(b.t())
            .fold((0, 0), |(n, d), &x, &y| (n + 1, d + x * y));
        let mut expected = 0;
        for i in 0..3 {
            for j in 0..4 {
                expected += (4 * i + j) * (3 * j + i);
            }
        }
        assert_eq!((n, dot), (12, expected));
    });
}

#[test]
fn azip_with_six_items_and_a_trailing_comma() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2], &[1_i32, 2]);
        let b = s.alloc_from_slice([2], &[10_i32, 20]);
        let c = s.alloc_filled([1], 100_i32);
        let mut out = s.alloc::<i32, 1>([2]);
        let mut log = s.alloc::<i32, 1>([2]);
        azip!((o in &mut out, l in log.view_mut(), &a in &a, &b in b.view(), &c in &c, &d in &a,) {
            *o = a + b + c + d;
            *l = -*o;
        });
        assert_eq!(out.to_vec(), [112, 124]);
        assert_eq!(log.to_vec(), [-112, -124]);
    });
}

/// `par_for_each` natively; under Miri the rayon suites (tests/par.rs, with
/// the same check on a transposed output) run with permissive provenance,
/// which rayon's crossbeam-epoch needs, so this one stays out of Miri.
#[cfg(all(feature = "rayon", not(miri)))]
#[test]
fn par_for_each_matches_for_each_on_300x300() {
    bumper::no_escape(|s| {
        let x = s.alloc_with([300, 300], |[i, j]| (i * 300 + j) as f64);
        let row = s.alloc_with([1, 300], |[_, j]| j as f64);
        let mut serial = s.alloc::<f64, 2>([300, 300]);
        let mut par = s.alloc::<f64, 2>([300, 300]);
        Zip::from(&mut serial)
            .and(&x)
            .and(x.t())
            .and(&row)
            .for_each(|y, &x, &xt, &r| *y = 2.0 * x - xt + r);
        Zip::from(&mut par)
            .and(&x)
            .and(x.t())
            .and(&row)
            .par_for_each(|y, &x, &xt, &r| *y = 2.0 * x - xt + r);
        assert_eq!(par, serial);
        assert_eq!(par[[2, 5]], 2.0 * 605.0 - 1502.0 + 5.0);
    });
}

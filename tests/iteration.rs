//! Element, axis and lane iteration: `IntoIterator`, double-ended and
//! `Clone` element iterators, `outer_iter`, `axis_iter`, `axis_chunks_iter`,
//! `axis_windows`, `rows`, `lanes` and their `_mut` forms, plus rank
//! inference for the rank-changing methods.
//!
//! Unit tests check concrete values; the property tests compare every
//! iterator, on permuted and reversed views of random rank-3 arrays,
//! against a `Vec` model built by index arithmetic. Cases: 64 natively, 3
//! under Miri (axes at most 3 long there).

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};

use bumper::array::{AxisIter, AxisIterMut, Iter, IterMut, Lanes, LanesMut};
use bumper::{ArrayView, PtrArray};
use proptest::prelude::*;

#[test]
fn into_iterator_for_every_form() {
    bumper::no_escape(|s| {
        let mut a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
        let mut seen = Vec::new();
        for x in &a {
            seen.push(*x);
        }
        assert_eq!(seen, [1, 2, 3, 4]);
        for x in &mut a {
            *x *= 10;
        }
        assert_eq!(a.to_vec(), [10, 20, 30, 40]);
        let t = a.t();
        let by_ref: Vec<i32> = (&t).into_iter().copied().collect();
        let by_value: Vec<i32> = t.into_iter().copied().collect();
        assert_eq!(by_ref, [10, 30, 20, 40]);
        assert_eq!(by_value, by_ref);
    });
}

#[test]
fn element_iterators_are_double_ended_exact_size_and_clone() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        // Strided (transposed) and contiguous walks.
        for (v, expected) in [
            (a.t(), vec![0, 10, 1, 11, 2, 12]),
            (a.view(), vec![0, 1, 2, 10, 11, 12]),
        ] {
            let back: Vec<usize> = v.iter().rev().copied().collect();
            let mut reversed = expected.clone();
            reversed.reverse();
            assert_eq!(back, reversed);
            let mut it = v.iter();
            assert_eq!(it.len(), 6);
            assert_eq!(it.next(), Some(&expected[0]));
            assert_eq!(it.next_back(), Some(&expected[5]));
            assert_eq!(it.len(), 4);
            let rest: Vec<usize> = it.clone().copied().collect();
            assert_eq!(rest, expected[1..5]);
            assert_eq!(
                it.rev().copied().collect::<Vec<_>>(),
                [expected[4], expected[3], expected[2], expected[1]]
            );
        }
        let mut b = s.alloc_with([3, 2], |[i, j]| (2 * i + j) as i32);
        let mut t = b.t_mut();
        let mut it = t.iter_mut();
        *it.next_back().unwrap() = -1; // [1, 2] of t = [2, 1] of b
        *it.next().unwrap() = -2; // [0, 0]
        assert_eq!(it.len(), 4);
        assert_eq!(b.to_vec(), [-2, 1, 2, 3, 4, -1]);
    });
}

#[test]
fn rank_zero_and_empty_element_iterators() {
    bumper::no_escape(|s| {
        let z = s.alloc_filled([], 7_u8);
        assert_eq!(z.iter().rev().copied().collect::<Vec<_>>(), [7]);
        let e = s.alloc::<u8, 3>([2, 0, 3]);
        assert_eq!(e.iter().len(), 0);
        assert_eq!(e.permuted_axes([2, 1, 0]).iter().next_back(), None);
    });
}

#[test]
fn outer_and_axis_iter_give_views_without_copying() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3, 4], |[i, j, k]| 100 * i + 10 * j + k);
        let outer: Vec<ArrayView<'_, usize, 2>> = a.outer_iter().collect();
        assert_eq!(outer.len(), 2);
        assert_eq!(outer[1].shape(), [3, 4]);
        assert_eq!(outer[1].as_ptr(), a.index_axis(0, 1).as_ptr());
        assert_eq!(outer[1][[2, 3]], 123);
        let mids: Vec<usize> = a.axis_iter(1).map(|m| m[[1, 2]]).collect();
        assert_eq!(mids, [102, 112, 122]);
        let lasts: Vec<usize> = a.axis_iter(2).rev().map(|m| m[[0, 0]]).collect();
        assert_eq!(lasts, [3, 2, 1, 0]);
        let mut it = a.axis_iter(2);
        assert_eq!(it.len(), 4);
        it.next();
        it.next_back();
        assert_eq!(it.len(), 2);
        assert_eq!(
            it.clone().map(|m| m.sum()).collect::<Vec<_>>(),
            [360 + 6, 360 + 12]
        );
    });
}

#[test]
fn views_from_a_view_iterator_outlive_the_view_variable() {
    fn rows_of<'a>(m: ArrayView<'a, i32, 2>) -> Vec<ArrayView<'a, i32, 1>> {
        let local = m;
        local.outer_iter().collect()
    }
    bumper::no_escape(|s| {
        let m = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
        let rows = rows_of(m.view());
        assert_eq!(rows[1].to_vec(), [3, 4]);
    });
}

#[test]
fn mutable_axis_iterators_write_through() {
    bumper::no_escape(|s| {
        let mut a = s.alloc::<i32, 2>([3, 4]);
        for (i, mut row) in a.outer_iter_mut().enumerate() {
            row.fill(i as i32);
        }
        assert_eq!(a.to_vec(), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
        for (j, mut col) in a.axis_iter_mut(1).rev().enumerate() {
            col += j as i32 * 10;
        }
        assert_eq!(a.row_sums(), [60, 64, 68]);
        let mut halves = a.axis_chunks_iter_mut(1, 3);
        let (mut left, mut right) = (halves.next().unwrap(), halves.next().unwrap());
        assert!(halves.next().is_none());
        left.fill(1);
        right.fill(2); // both used at once: disjoint
        assert_eq!(a.to_vec(), [1, 1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 2]);
        for (k, mut lane) in a.lanes_mut(0).enumerate() {
            lane[[k % 3]] = -(k as i32);
        }
        assert_eq!(a.to_vec(), [0, 1, 1, -3, 1, -1, 1, 2, 1, 1, -2, 2]);
        for mut r in a.rows_mut().rev() {
            r *= 2;
        }
        assert_eq!(a.sum(), 2 * 4);
    });
}

trait RowSums {
    fn row_sums(&self) -> Vec<i32>;
}

impl RowSums for PtrArray<'_, i32, 2> {
    fn row_sums(&self) -> Vec<i32> {
        self.rows().map(|r| r.sum()).collect()
    }
}

#[test]
fn chunks_and_windows() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 5], |[i, j]| 10 * i + j);
        let chunks: Vec<Vec<usize>> = a.axis_chunks_iter(1, 2).map(|c| c.to_vec()).collect();
        assert_eq!(
            chunks,
            [vec![0, 1, 10, 11], vec![2, 3, 12, 13], vec![4, 14]]
        );
        let back: Vec<[usize; 2]> = a.axis_chunks_iter(1, 2).rev().map(|c| c.shape()).collect();
        assert_eq!(back, [[2, 1], [2, 2], [2, 2]]);
        assert_eq!(a.axis_chunks_iter(0, 5).len(), 1);
        assert_eq!(a.axis_chunks_iter(0, 5).next().unwrap().shape(), [2, 5]);
        let windows: Vec<usize> = a.axis_windows(1, 3).map(|w| w.sum()).collect();
        assert_eq!(windows, [36, 42, 48]);
        assert_eq!(a.axis_windows(1, 5).len(), 1);
        assert_eq!(a.axis_windows(1, 6).len(), 0);
        let rev: Vec<usize> = a.t().axis_windows(0, 4).rev().map(|w| w[[0, 0]]).collect();
        assert_eq!(rev, [1, 0]);
    });
}

#[test]
fn rows_and_lanes() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3, 2], |[i, j, k]| 100 * i + 10 * j + k);
        let rows: Vec<Vec<usize>> = a.rows().map(|r| r.to_vec()).collect();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[4], [110, 111]);
        let mids: Vec<Vec<usize>> = a.lanes(1).map(|l| l.to_vec()).collect();
        assert_eq!(
            mids,
            [
                vec![0, 10, 20],
                vec![1, 11, 21],
                vec![100, 110, 120],
                vec![101, 111, 121]
            ]
        );
        let back: Vec<usize> = a.lanes(0).rev().map(|l| l[[1]]).collect();
        assert_eq!(back, [121, 120, 111, 110, 101, 100]);
        let mut it = a.lanes(2);
        assert_eq!(it.len(), 6);
        it.next_back();
        let copy = it.clone();
        assert_eq!(copy.len(), 5);
        assert_eq!(
            it.map(|l| l[[0]]).sum::<usize>(),
            copy.map(|l| l[[0]]).sum::<usize>()
        );
        let v = s.alloc_with([3], |[i]| i);
        assert_eq!(
            v.rows().map(|r| r.to_vec()).collect::<Vec<_>>(),
            [vec![0, 1, 2]]
        );
    });
}

#[test]
fn empty_arrays_have_empty_items_or_none() {
    bumper::no_escape(|s| {
        let a = s.alloc::<f64, 2>([0, 3]);
        assert_eq!(a.outer_iter().len(), 0);
        let cols: Vec<[usize; 1]> = a.axis_iter(1).map(|c| c.shape()).collect();
        assert_eq!(cols, [[0], [0], [0]]);
        assert_eq!(a.rows().len(), 0);
        let lanes: Vec<usize> = a.lanes(0).map(|l| l.len()).collect();
        assert_eq!(lanes, [0, 0, 0]);
        assert_eq!(a.axis_chunks_iter(0, 2).len(), 0);
        assert_eq!(
            a.axis_chunks_iter(1, 2)
                .map(|c| c.shape())
                .collect::<Vec<_>>(),
            [[0, 2], [0, 1]]
        );
        assert_eq!(
            a.axis_windows(1, 2).map(|w| w.len()).collect::<Vec<_>>(),
            [0, 0]
        );
        let mut b = s.alloc::<f64, 2>([3, 0]);
        assert_eq!(b.rows_mut().map(|r| r.len()).collect::<Vec<_>>(), [0, 0, 0]);
        assert_eq!(
            b.outer_iter_mut()
                .rev()
                .map(|r| r.shape())
                .collect::<Vec<_>>(),
            [[0], [0], [0]]
        );
    });
}

#[track_caller]
fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    err.downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn bad_arguments_panic_with_the_numbers() {
    bumper::no_escape(|s| {
        let mut a = s.alloc::<u8, 2>([2, 3]);
        assert_eq!(
            panic_message(|| {
                let _ = a.axis_iter(2);
            }),
            "axis_iter: axis 2 is out of bounds for a rank-2 array"
        );
        assert_eq!(
            panic_message(|| {
                let _ = a.lanes(5);
            }),
            "lanes: axis 5 is out of bounds for a rank-2 array"
        );
        assert_eq!(
            panic_message(|| {
                let _ = a.axis_chunks_iter(0, 0);
            }),
            "axis_chunks_iter: the chunk size must not be 0"
        );
        assert_eq!(
            panic_message(|| {
                let _ = a.axis_windows(1, 0);
            }),
            "axis_windows: the window size must not be 0"
        );
        assert_eq!(
            panic_message(|| {
                let _ = a.axis_iter_mut(3);
            }),
            "axis_iter_mut: axis 3 is out of bounds for a rank-2 array"
        );
        let z = s.alloc::<u8, 0>([]);
        assert!(panic_message(|| {
            let _ = z.rows();
        })
        .contains("rank-0"));
    });
}

#[test]
fn rank_is_inferred_up_to_eight() {
    bumper::no_escape(|s| {
        let a8 = s.alloc_filled([1, 1, 1, 1, 1, 1, 1, 2], 1_u32);
        let a7 = a8.index_axis(0, 0);
        let a6 = a7.index_axis(0, 0);
        let a5 = a6.index_axis(0, 0);
        let a4 = a5.index_axis(0, 0);
        let a3 = a4.index_axis(0, 0);
        let a2 = a3.index_axis(0, 0);
        let a1 = a2.index_axis(0, 0);
        let a0 = a1.index_axis(0, 1);
        assert_eq!(a0[[]], 1);
        assert_eq!(a8.sum_axis(7, s).shape(), [1; 7]);
        assert_eq!(a2.outer_iter().next().unwrap().shape(), [2]);
        // The turbofish still works.
        let m = s.alloc_with([2, 3], |[i, j]| 3 * i + j);
        assert_eq!(m.index_axis::<1>(1, 2).to_vec(), [2, 5]);
        assert_eq!(m.sum_axis::<1>(0, s).to_vec(), [3, 5, 7]);
        assert_eq!(m.mean_axis(1, s).unwrap().to_vec(), [1, 4]);
        assert_eq!(m.max_axis(0, s).unwrap().to_vec(), [3, 4, 5]);
        assert_eq!(m.min_axis(0, s).unwrap().to_vec(), [0, 1, 2]);
    });
}

#[test]
fn iterators_are_send_and_sync_like_the_arrays() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Iter<'static, f64, 2>>();
    send_sync::<IterMut<'static, f64, 2>>();
    send_sync::<AxisIter<'static, f64, 2>>();
    send_sync::<AxisIterMut<'static, f64, 2>>();
    send_sync::<Lanes<'static, f64, 2>>();
    send_sync::<LanesMut<'static, f64, 2>>();
    bumper::no_escape(|s| {
        let mut a = s.alloc::<u64, 2>([4, 2]);
        let mut rows = a.outer_iter_mut();
        let (mut r0, mut r1) = (rows.next().unwrap(), rows.next().unwrap());
        std::thread::scope(|t| {
            t.spawn(move || r0.fill(1));
            t.spawn(move || r1.fill(2));
        });
        assert_eq!(a.to_vec(), [1, 1, 2, 2, 0, 0, 0, 0]);
    });
}

// ---- property tests against a Vec model -----------------------------------------------

/// A rank-3 array with values 0.. in row-major order, viewed through an
/// axis permutation and reversals; the model is the values in the view's
/// logical order, computed by index arithmetic.
#[derive(Debug, Clone)]
struct Case {
    shape: [usize; 3],
    perm: [usize; 3],
    reversed: [bool; 3],
}

impl Case {
    fn view_shape(&self) -> [usize; 3] {
        self.perm.map(|p| self.shape[p])
    }

    /// The value at view index `idx`.
    fn value(&self, idx: [usize; 3]) -> i64 {
        let vs = self.view_shape();
        let mut orig = [0; 3];
        for k in 0..3 {
            let i = if self.reversed[k] {
                vs[k] - 1 - idx[k]
            } else {
                idx[k]
            };
            orig[self.perm[k]] = i;
        }
        (orig[0] * self.shape[1] * self.shape[2] + orig[1] * self.shape[2] + orig[2]) as i64
    }

    fn indices(shape: [usize; 3]) -> Vec<[usize; 3]> {
        let mut out = Vec::new();
        for i in 0..shape[0] {
            for j in 0..shape[1] {
                for k in 0..shape[2] {
                    out.push([i, j, k]);
                }
            }
        }
        out
    }

    fn model(&self) -> Vec<i64> {
        Self::indices(self.view_shape())
            .into_iter()
            .map(|i| self.value(i))
            .collect()
    }

    /// Values of the sub-block `lo..hi` of `axis` (whole elsewhere).
    fn block(&self, axis: usize, lo: usize, hi: usize) -> Vec<i64> {
        Self::indices(self.view_shape())
            .into_iter()
            .filter(|i| (lo..hi).contains(&i[axis]))
            .map(|i| self.value(i))
            .collect()
    }

    fn build<'s>(&self, s: &bumper::Scope<'s>) -> PtrArray<'s, i64, 3> {
        let [_, n1, n2] = self.shape;
        let a = s.alloc_with(self.shape, |[i, j, k]| (i * n1 * n2 + j * n2 + k) as i64);
        let mut v = a.into_view_mut_permuted(self.perm);
        for k in 0..3 {
            if self.reversed[k] {
                v = reversed(v, k);
            }
        }
        v
    }
}

fn reversed<'s>(a: PtrArray<'s, i64, 3>, axis: usize) -> PtrArray<'s, i64, 3> {
    // `into_split_at` at 0 keeps the whole array for 's; then reverse.
    let (_, mut whole) = a.into_split_at(axis, 0);
    let shape = whole.shape();
    let strides = whole.strides();
    let mut st = strides;
    st[axis] = -strides[axis];
    let start = if whole.is_empty() {
        0
    } else {
        (shape[axis] as isize - 1) * strides[axis]
    };
    // SAFETY: the same elements as `whole`, axis `axis` walked backwards;
    // `whole` is given up here.
    unsafe { PtrArray::from_raw_parts_mut(whole.as_mut_ptr().offset(start), shape, st) }
}

trait PermutedOwned<'s> {
    fn into_view_mut_permuted(self, perm: [usize; 3]) -> PtrArray<'s, i64, 3>;
}

impl<'s> PermutedOwned<'s> for PtrArray<'s, i64, 3> {
    fn into_view_mut_permuted(mut self, perm: [usize; 3]) -> PtrArray<'s, i64, 3> {
        let shape = perm.map(|p| self.shape()[p]);
        let strides = perm.map(|p| self.strides()[p]);
        // SAFETY: a permutation of `self`'s axes: the same elements, which
        // `self` (given up here) borrowed uniquely for 's.
        unsafe { PtrArray::from_raw_parts_mut(self.as_mut_ptr(), shape, strides) }
    }
}

fn case() -> impl Strategy<Value = Case> {
    let max: usize = if cfg!(miri) { 3 } else { 5 };
    (
        [0..=max, 0..=max, 0..=max],
        Just([0usize, 1, 2]).prop_shuffle(),
        any::<[bool; 3]>(),
    )
        .prop_map(|(shape, perm, reversed)| Case {
            shape,
            perm: [perm[0], perm[1], perm[2]],
            reversed,
        })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 3 } else { 64 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn element_iteration_matches_the_model(c in case(), ends in proptest::collection::vec(any::<bool>(), 0..130)) {
        bumper::no_escape(|s| {
            let a = c.build(s);
            let model = c.model();
            prop_assert_eq!(a.iter().copied().collect::<Vec<_>>(), model.clone());
            prop_assert_eq!(a.to_vec(), model.clone());
            let mut back = model.clone();
            back.reverse();
            prop_assert_eq!(a.iter().rev().copied().collect::<Vec<_>>(), back);
            // Alternating ends against a deque.
            let mut dq: VecDeque<i64> = model.iter().copied().collect();
            let mut it = a.iter();
            for &front in &ends {
                prop_assert_eq!(it.len(), dq.len());
                let got = if front { it.next() } else { it.next_back() };
                let want = if front { dq.pop_front() } else { dq.pop_back() };
                prop_assert_eq!(got.copied(), want);
                prop_assert_eq!(it.clone().copied().collect::<Vec<_>>(), dq.iter().copied().collect::<Vec<_>>());
            }
            Ok(())
        })?;
    }

    #[test]
    fn mutable_iteration_matches_the_model(c in case(), ends in proptest::collection::vec(any::<bool>(), 0..130)) {
        bumper::no_escape(|s| {
            let mut a = c.build(s);
            let model = c.model();
            let mut dq: VecDeque<usize> = (0..model.len()).collect();
            let mut expected = model.clone();
            let mut it = a.iter_mut();
            for (step, &front) in ends.iter().enumerate() {
                let got = if front { it.next() } else { it.next_back() };
                let want = if front { dq.pop_front() } else { dq.pop_back() };
                match (got, want) {
                    (Some(x), Some(k)) => {
                        *x = -1 - step as i64;
                        expected[k] = -1 - step as i64;
                    }
                    (None, None) => {}
                    (g, w) => prop_assert!(false, "{:?} vs {:?}", g, w),
                }
            }
            prop_assert_eq!(a.to_vec(), expected);
            Ok(())
        })?;
    }

    #[test]
    fn axis_iterators_match_the_model(c in case(), axis in 0..3usize, size in 1..4usize) {
        bumper::no_escape(|s| {
            let a = c.build(s);
            let vs = c.view_shape();
            let n = vs[axis];
            let items: Vec<Vec<i64>> = a.axis_iter(axis).map(|v| v.to_vec()).collect();
            let want: Vec<Vec<i64>> = (0..n).map(|i| c.block(axis, i, i + 1)).collect();
            prop_assert_eq!(&items, &want);
            let back: Vec<Vec<i64>> = a.axis_iter(axis).rev().map(|v| v.to_vec()).collect();
            prop_assert_eq!(back, want.iter().rev().cloned().collect::<Vec<_>>());
            if axis == 0 {
                prop_assert_eq!(a.outer_iter().map(|v| v.to_vec()).collect::<Vec<_>>(), want);
            }
            let chunks: Vec<Vec<i64>> = a.axis_chunks_iter(axis, size).map(|v| v.to_vec()).collect();
            let want_chunks: Vec<Vec<i64>> =
                (0..n.div_ceil(size)).map(|k| c.block(axis, k * size, ((k + 1) * size).min(n))).collect();
            prop_assert_eq!(chunks, want_chunks);
            let windows: Vec<Vec<i64>> = a.axis_windows(axis, size).rev().map(|v| v.to_vec()).collect();
            let want_windows: Vec<Vec<i64>> =
                (0..(n + 1).saturating_sub(size)).rev().map(|k| c.block(axis, k, k + size)).collect();
            prop_assert_eq!(windows, want_windows);
            Ok(())
        })?;
    }

    #[test]
    fn lanes_match_the_model(c in case(), axis in 0..3usize) {
        bumper::no_escape(|s| {
            let mut a = c.build(s);
            let vs = c.view_shape();
            // The lanes: the other axes in row-major order.
            let mut outer = vs;
            outer[axis] = 1;
            let want: Vec<Vec<i64>> = Case::indices(outer)
                .into_iter()
                .map(|mut i| (0..vs[axis]).map(|k| { i[axis] = k; c.value(i) }).collect())
                .collect();
            let lanes: Vec<Vec<i64>> = a.lanes(axis).map(|l| l.to_vec()).collect();
            prop_assert_eq!(&lanes, &want);
            let back: Vec<Vec<i64>> = a.lanes(axis).rev().map(|l| l.to_vec()).collect();
            prop_assert_eq!(back, want.iter().rev().cloned().collect::<Vec<_>>());
            if axis == 2 {
                prop_assert_eq!(a.rows().map(|l| l.to_vec()).collect::<Vec<_>>(), want.clone());
            }
            // Writing through the mutable lanes reaches every element once.
            for (k, mut lane) in a.lanes_mut(axis).enumerate() {
                lane.map_inplace(|x| *x = *x * 1000 + k as i64);
            }
            let mut expected = Vec::new();
            for i in Case::indices(vs) {
                let mut o = i;
                o[axis] = 0;
                let k = Case::indices(outer).iter().position(|&x| x == o).unwrap();
                expected.push(c.value(i) * 1000 + k as i64);
            }
            prop_assert_eq!(a.to_vec(), expected);
            Ok(())
        })?;
    }
}

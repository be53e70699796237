//! The layout part of the array toolkit: the `s!` slicing macro (signed
//! bounds, steps), memory order (`Order`, `alloc_*_order`,
//! `is_standard_layout`, `as_slice_memory_order(_mut)`), `copy_in`, and the
//! memory order `map_in` / `zip_map_in` give their results.
//!
//! Concrete cases first, with the expected values written out; then
//! property tests against the naive model of `tests/model` (a row-major
//! `Vec` and, for a view, the data position of each logical element):
//! `s!` slicing of strided, transposed and reversed views (bounds of every
//! range form, negative ones included, and steps of both signs; ranges out
//! of bounds must panic with the message naming them), and `copy_in` (plus
//! the layout `map_in` / `zip_map_in` choose) on chains of permutations,
//! reversals, steps, sub-ranges and broadcasts.
//!
//! Case counts: 64 per property natively, 3 under Miri, where axes are at
//! most 3 long instead of 7 (`s!`) or 11 (`copy_in`).

mod model;

use std::cell::Cell;
use std::fmt::Debug;
use std::ops::{Range, RangeFrom, RangeInclusive, RangeTo, RangeToInclusive};
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::Once;

use bumper::array::{Order, Slice};
use bumper::{s, ArrayView, PtrArray};
use model::{index_arrays, len_of, ViewModel};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

type TestResult = Result<(), TestCaseError>;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: if cfg!(miri) { 3 } else { 64 },
        // Under Miri: no file system for regression files, and the cheaper
        // generator.
        failure_persistence: if cfg!(miri) {
            None
        } else {
            ProptestConfig::default().failure_persistence
        },
        rng_algorithm: if cfg!(miri) {
            proptest::test_runner::RngAlgorithm::XorShift
        } else {
            proptest::test_runner::RngAlgorithm::default()
        },
        ..ProptestConfig::default()
    }
}

// ---- expected panics -----------------------------------------------------------

/// Uses a value, so that the call producing it is not optimised away.
fn consume<T>(x: T) {
    std::hint::black_box(x);
}

thread_local! {
    /// Whether this thread expects a panic now (the hook stays quiet).
    static EXPECTING: Cell<bool> = const { Cell::new(false) };
    /// The file of the last panic on this thread.
    static FILE: Cell<Option<String>> = const { Cell::new(None) };
}

fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            FILE.with(|f| f.set(info.location().map(|l| l.file().to_owned())));
            if !EXPECTING.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, which must panic; returns the message and the file the panic
/// location points into.
fn panic_of(f: impl FnOnce()) -> (String, String) {
    install_hook();
    EXPECTING.with(|e| e.set(true));
    let caught = panic::catch_unwind(AssertUnwindSafe(f));
    EXPECTING.with(|e| e.set(false));
    let payload = caught.expect_err("expected a panic");
    let msg = match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p
            .downcast_ref::<&str>()
            .expect("a string panic")
            .to_string(),
    };
    let file = FILE.with(Cell::take).expect("the hook ran");
    (msg, file)
}

/// Runs `f`, which must panic with a location in this file (the caller's,
/// through `#[track_caller]`); returns the message.
fn panics_here(f: impl FnOnce()) -> String {
    let (msg, file) = panic_of(f);
    assert_eq!(file, file!(), "the panic points into {file}: {msg}");
    msg
}

// ---- s! ----------------------------------------------------------------------------

#[test]
fn s_macro_selects_ndarray_ranges() {
    bumper::no_escape(|sc| {
        let a = sc.alloc_with([4, 6], |[i, j]| 10 * i + j);
        // Negative bounds count from the end; `;step` takes every step-th.
        assert_eq!(a.slice(s![1..-1, ..;2]).to_vec(), [10, 12, 14, 20, 22, 24]);
        assert_eq!(a.slice(s![3.., -2..]).to_vec(), [34, 35]);
        assert_eq!(
            a.slice(s![..=1, ..=4]).to_vec(),
            [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]
        );
        // A negative step walks the chosen range from its end.
        assert_eq!(a.slice(s![..1, 2..5;-1]).to_vec(), [4, 3, 2]);
        assert_eq!(a.slice(s![..;-2, 0..1]).to_vec(), [30, 10]);
        assert_eq!(a.slice(s![1..2, 1..6;-2]).to_vec(), [15, 13, 11]);
        // `..=-1` runs to the end; `..-1` stops before the last index.
        assert_eq!(a.slice(s![-1.., ..=-1]).to_vec(), [30, 31, 32, 33, 34, 35]);
        assert_eq!(a.slice(s![-1.., ..-1]).to_vec(), [30, 31, 32, 33, 34]);
        assert_eq!(a.slice(s![-3..=-2, -6..=0]).to_vec(), [10, 20]);
        // Empty ranges, a trailing comma, views of views.
        assert_eq!(a.slice(s![2..2, ..]).shape(), [0, 6]);
        assert_eq!(a.slice(s![-2..-2, ..;-1,]).shape(), [0, 6]);
        // `..=-1` is "to the end", even of an empty axis (ndarray's reading).
        let empty = a.slice(s![2..2, ..]);
        assert_eq!(empty.slice(s![..=-1, -6..=-1]).shape(), [0, 6]);
        assert_eq!(a.slice(s![..=-5, ..]).shape(), [0, 6]); // ends before index 0
        let v = a.slice(s![.., 1..]);
        assert_eq!(v.slice(s![-1.., -1..]).to_vec(), [35]);
        assert_eq!(v.slice(s![..;3, ..;-4]).to_vec(), [5, 1, 35, 31]);
    });
}

#[test]
fn s_macro_on_other_ranks_and_with_typed_bounds() {
    bumper::no_escape(|sc| {
        let z = sc.alloc_filled([], 7_u8);
        let none: [Slice; 0] = s![];
        assert_eq!(z.slice(none).to_vec(), [7]);
        let c = sc.alloc_with([2, 3, 4], |[i, j, k]| 100 * i + 10 * j + k);
        assert_eq!(
            c.slice(s![-1.., 1..;1, ..;-3]).to_vec(),
            [113, 110, 123, 120]
        );
        // Bounds of type usize, isize and i32 (variables), steps as
        // expressions.
        let (lo, hi): (usize, usize) = (1, 3);
        let back: isize = -1;
        let from_end: i32 = -2;
        let step = 2 * back;
        assert_eq!(
            c.slice(s![lo - 1..lo, lo..hi;step, from_end..]).to_vec(),
            [22, 23]
        );
        assert_eq!(c.slice(s![..back, ..=back;-step, ..]).shape(), [1, 2, 4]);
        // The same slices as the Slice forms (and the same whatever the
        // integer type).
        #[allow(clippy::reversed_empty_ranges)] // `1..-1` is a slice, not an empty range
        let inner = Slice::from(1..-1);
        assert_eq!(
            s![1..-1, ..;2, -2..],
            [inner, Slice::from(..).step_by(2), Slice::from(-2isize..)]
        );
        assert_eq!(Slice::from(1usize..3), Slice::from(1isize..3));
        assert_eq!(Slice::from(1i32..=3), Slice::from(1usize..=3));
        assert_eq!(s![..4;-1], [Slice::from(..4usize).step_by(-1)]);
        assert_ne!(Slice::from(-1..), Slice::from(1..));
    });
}

#[test]
fn s_macro_slice_mut_writes_the_selected_elements() {
    bumper::no_escape(|sc| {
        let mut b = sc.alloc::<i32, 2>([3, 4]);
        b.slice_mut(s![..;2, 1..-1]).fill(1);
        b.slice_mut(s![-2..-1, ..;-3]).fill(2);
        assert_eq!(b.to_vec(), [0, 1, 1, 0, 2, 0, 0, 2, 0, 1, 1, 0]);
        let mut t = b.t_mut();
        let mut corner = t.slice_mut(s![-1.., ..;-1]);
        corner.fill(9);
        assert_eq!(b.to_vec(), [0, 1, 1, 9, 2, 0, 0, 9, 0, 1, 1, 9]);
    });
}

#[test]
fn out_of_bounds_ranges_panic_naming_the_range_at_the_caller() {
    bumper::no_escape(|sc| {
        let a = sc.alloc_with([4, 3], |[i, j]| 10 * i + j);
        let check = |f: &dyn Fn(), want: &str| assert_eq!(panics_here(f), want);
        check(
            &|| consume(a.slice(s![-5.., ..])),
            "slice -5.. is out of bounds for axis 0 of length 4",
        );
        check(
            &|| consume(a.slice(s![.., ..-4])),
            "slice ..-4 is out of bounds for axis 1 of length 3",
        );
        check(
            &|| consume(a.slice(s![.., ..=-5])),
            "slice ..=-5 is out of bounds for axis 1 of length 3",
        );
        check(
            &|| consume(a.slice(s![.., 1..5])),
            "slice 1..5 is out of bounds for axis 1 of length 3",
        );
        check(
            &|| consume(a.slice(s![.., ..=3])),
            "slice ..=3 is out of bounds for axis 1 of length 3",
        );
        // A start after the end (once resolved) is out of bounds too.
        check(
            &|| consume(a.slice(s![3..1, ..])),
            "slice 3..1 is out of bounds for axis 0 of length 4",
        );
        check(
            &|| consume(a.slice(s![-1..1;-1, ..])),
            "slice -1..1 is out of bounds for axis 0 of length 4",
        );
        check(
            &|| consume(a.slice(s![-2..=-4, ..])),
            "slice -2..=-4 is out of bounds for axis 0 of length 4",
        );
        check(
            &|| consume(a.slice([Slice::from(usize::MAX..), Slice::from(..)])),
            "slice 18446744073709551615.. is out of bounds for axis 0 of length 4",
        );
        check(
            &|| consume(a.slice([Slice::from(..), Slice::from(isize::MIN..)])),
            "slice -9223372036854775808.. is out of bounds for axis 1 of length 3",
        );
        let mut m = sc.alloc::<u8, 1>([2]);
        assert_eq!(
            panics_here(|| consume(m.slice_mut(s![-3..]))),
            "slice -3.. is out of bounds for axis 0 of length 2"
        );
        assert_eq!(
            panics_here(|| consume(s![..;0])),
            "Slice::step_by: the step must not be 0"
        );
        // Nothing changed, and the scope still works.
        assert_eq!(a.slice(s![-1.., -1..]).to_vec(), [32]);
        assert_eq!(m.to_vec(), [0, 0]);
    });
}

// ---- memory order --------------------------------------------------------------

#[test]
fn allocations_in_either_order() {
    bumper::no_escape(|sc| {
        assert_eq!(Order::default(), Order::RowMajor);
        assert_eq!((Order::C, Order::F), (Order::RowMajor, Order::ColumnMajor));

        let c = sc.alloc_order::<f64, 3>([2, 3, 4], Order::RowMajor);
        let f = sc.alloc_order::<f64, 3>([2, 3, 4], Order::ColumnMajor);
        assert_eq!(c.strides(), [12, 4, 1]);
        assert_eq!(f.strides(), [1, 2, 6]);
        assert_eq!(f.to_vec(), [0.0; 24]);
        assert!(c.is_standard_layout() && !f.is_standard_layout());
        assert_eq!(
            sc.alloc_order::<u8, 1>([5], Order::ColumnMajor).strides(),
            [1]
        );
        assert_eq!(
            sc.alloc_order::<u8, 0>([], Order::ColumnMajor).to_vec(),
            [0]
        );
        assert!(sc
            .alloc_order::<u8, 2>([0, 3], Order::ColumnMajor)
            .is_empty());

        let g = sc.alloc_filled_order([3, 2], -1_i64, Order::ColumnMajor);
        assert_eq!(g.strides(), [1, 3]);
        assert_eq!(g.to_vec(), [-1; 6]);
        assert_eq!(
            sc.alloc_filled_order([2, 2], 5_u16, Order::RowMajor)
                .strides(),
            [2, 1]
        );

        // A column-major array is the transpose of a row-major one.
        let mut u = sc.alloc_uninit_order::<i32, 2>([2, 3], Order::ColumnMajor);
        for (k, x) in u
            .as_slice_memory_order_mut()
            .unwrap()
            .iter_mut()
            .enumerate()
        {
            x.write(k as i32);
        }
        // SAFETY: all six elements were written above.
        let u = unsafe { u.assume_init() };
        assert_eq!(u.to_vec(), [0, 2, 4, 1, 3, 5]);
        assert_eq!(u.t().as_slice(), Some(&[0, 1, 2, 3, 4, 5][..]));
        let mut r = sc.alloc_uninit_order::<i32, 2>([2, 3], Order::RowMajor);
        assert_eq!(r.strides(), [3, 1]);
        r.as_slice_mut()
            .unwrap()
            .fill(std::mem::MaybeUninit::new(4));
        // SAFETY: every element was written just above.
        assert_eq!(unsafe { r.assume_init() }.to_vec(), [4; 6]);
    });
}

#[test]
fn standard_layout_and_memory_order_slices() {
    bumper::no_escape(|sc| {
        let a = sc.alloc_with([2, 3], |[i, j]| 10 * i + j);
        let data = [0, 1, 2, 10, 11, 12];
        assert!(a.is_standard_layout() && a.view().is_standard_layout());
        assert_eq!(a.as_slice_memory_order(), Some(&data[..]));
        // Transposed, reversed on either or both axes: one block, read in
        // memory order from its lowest address.
        let t = a.t();
        assert!(!t.is_standard_layout());
        assert_eq!(t.as_slice(), None);
        assert_eq!(t.as_slice_memory_order(), Some(&data[..]));
        for v in [
            a.slice(s![..;-1, ..]),
            a.slice(s![.., ..;-1]),
            a.slice(s![..;-1, ..;-1]),
            t.slice(s![..;-1, ..]),
        ] {
            assert!(!v.is_standard_layout());
            assert_eq!(v.as_slice_memory_order(), Some(&data[..]));
        }
        // Length-1 axes may have any stride; empty arrays are standard.
        assert!(a.slice(s![1..2, ..]).is_standard_layout());
        assert!(a.slice(s![1..2, ..]).t().is_standard_layout());
        assert_eq!(
            a.slice(s![1.., ..]).as_slice_memory_order(),
            Some(&data[3..])
        );
        assert!(a.slice(s![.., 3..]).is_standard_layout());
        assert_eq!(a.slice(s![.., 3..]).as_slice_memory_order(), Some(&[][..]));
        // Strided or broadcast: not one block.
        for v in [a.slice(s![.., ..;2]), a.slice(s![.., 1..])] {
            assert!(!v.is_standard_layout());
            assert_eq!(v.as_slice_memory_order(), None);
        }
        let row = a.slice(s![..1, ..]);
        let b = row.broadcast_to([2, 3]).unwrap();
        assert!(!b.is_standard_layout());
        assert_eq!(b.as_slice_memory_order(), None);
        // Rank 3, axes permuted: still one block.
        let c = sc.alloc_with([2, 3, 4], |[i, j, k]| 12 * i + 4 * j + k);
        let p = c.permuted_axes([2, 0, 1]);
        assert_eq!(
            p.as_slice_memory_order(),
            Some(&(0..24).collect::<Vec<_>>()[..])
        );
        // The slice keeps the view's lifetime.
        fn block<'a>(v: ArrayView<'a, usize, 2>) -> &'a [usize] {
            v.t().as_slice_memory_order().unwrap()
        }
        assert_eq!(block(a.view()), data);
    });
}

#[test]
fn as_slice_memory_order_mut_writes_in_memory_order() {
    bumper::no_escape(|sc| {
        let mut a = sc.alloc::<i32, 2>([2, 3]);
        {
            let mut r = a.slice_mut(s![..;-1, ..;-1]);
            let m = r.as_slice_memory_order_mut().unwrap();
            m.copy_from_slice(&[1, 2, 3, 4, 5, 6]);
            assert_eq!(r.to_vec(), [6, 5, 4, 3, 2, 1]);
        }
        assert_eq!(a.to_vec(), [1, 2, 3, 4, 5, 6]);
        assert!(a
            .slice_mut(s![.., ..;2])
            .as_slice_memory_order_mut()
            .is_none());
        let mut t = a.t_mut();
        t.as_slice_memory_order_mut().unwrap()[5] = 60;
        assert_eq!(a[[1, 2]], 60);
        // fill on a column-major array takes the slice path too.
        let mut f = sc.alloc_order::<u8, 2>([3, 2], Order::ColumnMajor);
        f.fill(3);
        assert_eq!(f.as_slice_memory_order(), Some(&[3; 6][..]));
    });
}

// ---- copy_in -----------------------------------------------------------------------

#[test]
fn copy_in_gives_standard_layout() {
    bumper::no_escape(|sc| {
        let a = sc.alloc_with([3, 4], |[i, j]| 10 * i + j);
        let cases = [
            (a.view(), vec![0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]),
            (a.t(), vec![0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23]),
            (
                a.slice(s![..;-1, ..]),
                vec![20, 21, 22, 23, 10, 11, 12, 13, 0, 1, 2, 3],
            ),
            (a.slice(s![.., ..;-2]), vec![3, 1, 13, 11, 23, 21]),
            (a.t().slice(s![1..;2, ..;-1]), vec![21, 11, 1, 23, 13, 3]),
            (
                a.slice(s![..1, ..]).broadcast_to([2, 4]).unwrap(),
                vec![0, 1, 2, 3, 0, 1, 2, 3],
            ),
            (a.slice(s![.., 2..2]), vec![]),
        ];
        for (v, want) in cases {
            let c = v.copy_in(sc);
            assert_eq!(c.shape(), v.shape());
            assert!(c.is_standard_layout());
            assert_eq!(c.as_slice(), Some(&want[..]));
        }
        // Rank 0 and 3; a PtrArray source.
        assert_eq!(sc.alloc_filled([], 4_u8).copy_in(sc).to_vec(), [4]);
        let c = sc.alloc_with([2, 3, 2], |[i, j, k]| 100 * i + 10 * j + k);
        let p = c.permuted_axes([2, 0, 1]).copy_in(sc);
        assert_eq!(p.shape(), [2, 2, 3]);
        assert_eq!(
            p.as_slice().unwrap(),
            [0, 10, 20, 100, 110, 120, 1, 11, 21, 101, 111, 121]
        );
        // A copy is independent of its source.
        let mut m = sc.alloc_with([2, 2], |[i, j]| (2 * i + j) as f32);
        let copy = m.t().copy_in(sc);
        m.fill(0.0);
        assert_eq!(copy.to_vec(), [0.0, 2.0, 1.0, 3.0]);
    });
}

#[test]
fn copy_in_of_large_transposed_and_reversed_views() {
    // Big enough for whole strips (8 columns) and a partial one.
    let (rows, cols) = if cfg!(miri) { (5, 11) } else { (37, 45) };
    bumper::no_escape(|sc| {
        let a = sc.alloc_with([rows, cols], |[i, j]| (1000 * i + j) as u64);
        let t = a.t().copy_in(sc);
        assert_eq!(t.shape(), [cols, rows]);
        assert!(t.is_standard_layout());
        assert!(index_arrays::<2>(&[cols, rows])
            .into_iter()
            .all(|[j, i]| t[[j, i]] == (1000 * i + j) as u64));
        let r = a.slice(s![..;-1, ..]).t().copy_in(sc);
        assert!(index_arrays::<2>(&[cols, rows])
            .into_iter()
            .all(|[j, i]| r[[j, i]] == (1000 * (rows - 1 - i) + j) as u64));
        // Elements of other sizes and types (no arithmetic on them).
        let b = sc.alloc_with([rows, cols], |[i, j]| (i as u8, j as u16));
        let bt = b.t().copy_in(sc);
        assert_eq!(
            bt[[cols - 1, rows - 1]],
            ((rows - 1) as u8, (cols - 1) as u16)
        );
        let words = ["a", "b", "c", "d", "e", "f"];
        let w = sc.alloc_from_slice([2, 3], &words);
        assert_eq!(w.t().copy_in(sc).to_vec(), ["a", "d", "b", "e", "c", "f"]);
    });
}

// ---- map_in / zip_map_in layouts -------------------------------------------------

#[test]
fn map_in_keeps_the_memory_order_of_contiguous_input() {
    bumper::no_escape(|sc| {
        let a = sc.alloc_with([2, 3], |[i, j]| (10 * i + j) as i64);
        // Standard in, standard out.
        let m = a.map_in(sc, |x| x + 1);
        assert_eq!(m.strides(), [3, 1]);
        // Transposed in, column-major out, same values.
        let t = a.t().map_in(sc, |x| x * 2);
        assert_eq!(t.strides(), [1, 3]);
        assert_eq!(t.to_vec(), [0, 20, 2, 22, 4, 24]);
        assert_eq!(t.as_slice_memory_order(), Some(&[0, 2, 4, 20, 22, 24][..]));
        // Reversed: the same axis order, positive strides.
        let r = a.slice(s![..;-1, ..;-1]).map_in(sc, |&x| x);
        assert_eq!(r.strides(), [3, 1]);
        assert_eq!(r.to_vec(), [12, 11, 10, 2, 1, 0]);
        let rt = a.t().slice(s![..;-1, ..]).map_in(sc, |&x| x);
        assert_eq!(rt.strides(), [1, 3]);
        assert_eq!(rt.to_vec(), [2, 12, 1, 11, 0, 10]);
        // Column-major allocations stay column-major; rank 3 permutations
        // keep their axis order.
        let f = sc.alloc_filled_order([2, 2, 3], 1_u8, Order::ColumnMajor);
        assert_eq!(f.map_in(sc, |&x| x as f32).strides(), [1, 2, 4]);
        let c = sc.alloc_with([2, 3, 4], |[i, j, k]| 12 * i + 4 * j + k);
        let p = c.permuted_axes([2, 0, 1]).map_in(sc, |&x| x);
        assert_eq!(p.strides(), [1, 12, 4]);
        assert_eq!(p.to_vec(), c.permuted_axes([2, 0, 1]).to_vec());
        // Strided or broadcast: row-major, as before.
        let stepped = a.slice(s![.., ..;2]).t().map_in(sc, |&x| x);
        assert_eq!(stepped.strides(), [2, 1]);
        assert_eq!(stepped.to_vec(), [0, 10, 2, 12]);
        let b = a.slice(s![..1, ..]).broadcast_to([2, 3]).unwrap().t();
        assert_eq!(b.map_in(sc, |&x| x).strides(), [2, 1]);
        // The closure still sees the elements in logical order.
        let mut seen = Vec::new();
        let _ = a.t().map_in(sc, |&x| seen.push(x));
        assert_eq!(seen, a.t().to_vec());
    });
}

#[test]
fn zip_map_in_keeps_a_memory_order_both_inputs_share() {
    bumper::no_escape(|sc| {
        let a = sc.alloc_with([2, 3], |[i, j]| (10 * i + j) as i32);
        let b = sc.alloc_with([2, 3], |[i, j]| (100 * i + 100 * j) as i32);
        // Both transposed: column-major.
        let s2 = a.t().zip_map_in(sc, b.t(), |x, y| x + y);
        assert_eq!(s2.strides(), [1, 3]);
        assert_eq!(s2.to_vec(), [0, 110, 101, 211, 202, 312]);
        assert_eq!(a.t().add_in(sc, b.t()).strides(), [1, 3]);
        // Same order of axes, one reversed: still column-major.
        let r = a
            .t()
            .zip_map_in(sc, b.t().slice(s![..;-1, ..]), |x, y| x - y);
        assert_eq!(r.strides(), [1, 3]);
        assert_eq!(r.to_vec(), [-200, -290, -99, -189, 2, -88]);
        // Different layouts, or broadcasting: row-major.
        assert_eq!(
            a.t()
                .zip_map_in(sc, b.t().copy_in(sc), |x, y| x * y)
                .strides(),
            [2, 1]
        );
        let col = sc.alloc_from_slice([3, 1], &[1, 2, 3]);
        let bc = a.t().zip_map_in(sc, &col, |x, y| x * y);
        assert_eq!(bc.strides(), [2, 1]);
        assert_eq!(bc.to_vec(), [0, 10, 2, 22, 6, 36]);
        // Both column-major allocations.
        let f = sc.alloc_filled_order([2, 3], 2_i32, Order::ColumnMajor);
        let g = sc.alloc_filled_order([2, 3], 5_i32, Order::ColumnMajor);
        let fg = f.mul_in(sc, &g);
        assert_eq!(fg.strides(), [1, 2]);
        assert_eq!(fg.to_vec(), [10; 6]);
        // Standard inputs: standard result.
        assert_eq!(a.sub_in(sc, &b).strides(), [3, 1]);
    });
}

#[test]
fn max_axis_results_stay_row_major() {
    bumper::no_escape(|sc| {
        // max_axis starts from index 0 of the axis; for a permuted input
        // that sub-array is contiguous in another order, and the result is
        // still row-major.
        let c = sc.alloc_with([2, 3, 4], |[i, j, k]| (12 * i + 4 * j + k) as f64);
        let p = c.permuted_axes([2, 1, 0]);
        let m = p.max_axis::<2>(0, sc).unwrap();
        assert!(m.is_standard_layout());
        assert_eq!(m.shape(), [3, 2]);
        assert_eq!(m.to_vec(), [3.0, 15.0, 7.0, 19.0, 11.0, 23.0]);
        let n = p.min_axis::<2>(2, sc).unwrap();
        assert!(n.is_standard_layout());
        assert_eq!(
            n.to_vec(),
            [0.0, 4.0, 8.0, 1.0, 5.0, 9.0, 2.0, 6.0, 10.0, 3.0, 7.0, 11.0]
        );
    });
}

// ---- properties: s! against the model ---------------------------------------------

/// One axis of an `s!` item: the range form with its bounds (which may be
/// negative or out of bounds) and the step.
#[derive(Debug, Clone, Copy)]
enum Form {
    Range(i64, i64),
    From(i64),
    To(i64),
    ToInclusive(i64),
    Inclusive(i64, i64),
    Full,
}

/// Bound types to write the range in.
#[derive(Debug, Clone, Copy)]
enum Int {
    Isize,
    I32,
    /// Only when every bound is non-negative.
    Usize,
}

#[derive(Debug, Clone, Copy)]
struct AxisSpec {
    form: Form,
    step: isize,
    int: Int,
}

/// What an [`AxisSpec`] is made from, before the axis length is known.
#[derive(Debug, Clone, Copy)]
struct AxisSeed {
    /// Which range form (0..6).
    form: u8,
    /// Raw numbers for the bounds and their signs.
    x: u32,
    y: u32,
    /// Bounds anywhere in `-(len + 3)..=len + 3` (mostly out of bounds or
    /// crossed) rather than a valid range.
    wild: bool,
    step: isize,
    int: Int,
}

fn axis_seed() -> impl Strategy<Value = AxisSeed> {
    let step = prop_oneof![
        Just(1isize),
        Just(-1),
        Just(2),
        Just(-2),
        Just(3),
        Just(-3),
        Just(isize::MAX),
        Just(-isize::MAX)
    ];
    let int = prop_oneof![Just(Int::Isize), Just(Int::I32), Just(Int::Usize)];
    (
        0u8..6,
        any::<u32>(),
        any::<u32>(),
        proptest::bool::weighted(0.15),
        step,
        int,
    )
        .prop_map(|(form, x, y, wild, step, int)| AxisSeed {
            form,
            x,
            y,
            wild,
            step,
            int,
        })
}

impl AxisSeed {
    /// The spec on an axis of length `len`: a valid range with each bound
    /// written from the start or from the end (by a bit of `x` / `y`), or
    /// for a wild seed any bounds near the axis.
    fn spec(&self, len: usize) -> AxisSpec {
        let len = len as i64;
        let (a, b) = if self.wild {
            let span = 2 * len + 7;
            (
                self.x as i64 % span - len - 3,
                self.y as i64 % span - len - 3,
            )
        } else {
            // start < end (start == end == 0 on an empty axis), both in
            // 0..=len; an index i < len may also be written i - len (from
            // the end).
            let start = self.x as i64 % len.max(1);
            let end = (start + 1 + self.y as i64 % (len - start).max(1)).min(len);
            let write = |i: i64, bit: u32| if bit & 1 == 1 && i < len { i - len } else { i };
            (write(start, self.x >> 16), write(end, self.y >> 16))
        };
        // Inclusive ends name the index before the exclusive one (for a
        // valid end of 0 that is -len - 1: "before index 0").
        let incl = |e: i64| match e {
            _ if self.wild => e,
            0 => -len - 1,
            _ => e - 1,
        };
        let form = match self.form {
            0 => Form::Range(a, b),
            1 => Form::From(a),
            2 => Form::To(b),
            3 => Form::ToInclusive(incl(b)),
            4 => Form::Inclusive(a, incl(b)),
            _ => Form::Full,
        };
        AxisSpec {
            form,
            step: self.step,
            int: self.int,
        }
    }
}

/// The `Slice` of one axis, written with `s!` in bound type `I`.
fn s_one<I>(form: Form, step: isize) -> Slice
where
    I: TryFrom<i64> + Copy,
    <I as TryFrom<i64>>::Error: Debug,
    Slice: From<Range<I>>
        + From<RangeFrom<I>>
        + From<RangeTo<I>>
        + From<RangeInclusive<I>>
        + From<RangeToInclusive<I>>,
{
    let c = |x: i64| I::try_from(x).expect("the bound fits its type");
    let [slice] = match form {
        Form::Range(a, b) => s![c(a)..c(b);step],
        Form::From(a) => s![c(a)..;step],
        Form::To(b) => s![..c(b);step],
        Form::ToInclusive(b) => s![..=c(b);step],
        Form::Inclusive(a, b) => s![c(a)..=c(b);step],
        Form::Full => s![..;step],
    };
    slice
}

impl AxisSpec {
    fn bounds(&self) -> Vec<i64> {
        match self.form {
            Form::Range(a, b) | Form::Inclusive(a, b) => vec![a, b],
            Form::From(x) | Form::To(x) | Form::ToInclusive(x) => vec![x],
            Form::Full => vec![],
        }
    }

    fn slice(&self) -> Slice {
        let int = match self.int {
            Int::Usize if self.bounds().iter().any(|&b| b < 0) => Int::Isize,
            other => other,
        };
        match int {
            Int::Isize => s_one::<isize>(self.form, self.step),
            Int::I32 => s_one::<i32>(self.form, self.step),
            Int::Usize => s_one::<usize>(self.form, self.step),
        }
    }

    /// The range as the panic message writes it.
    fn text(&self) -> String {
        match self.form {
            Form::Range(a, b) => format!("{a}..{b}"),
            Form::From(a) => format!("{a}.."),
            Form::To(b) => format!("..{b}"),
            Form::ToInclusive(b) => format!("..={b}"),
            Form::Inclusive(a, b) => format!("{a}..={b}"),
            Form::Full => "..".to_string(),
        }
    }

    /// `start..end` on an axis of length `len` (ndarray's reading:
    /// negative bounds count from the end), or `None` if out of bounds.
    fn resolve(&self, len: usize) -> Option<(usize, usize)> {
        let len = len as i64;
        let at = |b: i64| if b < 0 { len + b } else { b };
        let (start, end) = match self.form {
            Form::Range(a, b) => (at(a), at(b)),
            Form::From(a) => (at(a), len),
            Form::To(b) => (0, at(b)),
            Form::ToInclusive(b) => (0, at(b) + 1),
            Form::Inclusive(a, b) => (at(a), at(b) + 1),
            Form::Full => (0, len),
        };
        (0 <= start && start <= end && end <= len).then_some((start as usize, end as usize))
    }
}

/// A view operation for the sources of the properties.
#[derive(Debug, Clone)]
enum SourceOp {
    /// Permute the axes (`perm` from a seed).
    Permute(u64),
    /// Reverse one axis.
    Reverse(usize),
    /// Every `step`-th index of one axis, from `offset` (clamped).
    Step(usize, usize, usize),
    /// Broadcast a length-1 axis to length 3 (no-op on longer axes).
    Broadcast(usize),
}

fn source_op() -> impl Strategy<Value = SourceOp> {
    prop_oneof![
        any::<u64>().prop_map(SourceOp::Permute),
        (0usize..8).prop_map(SourceOp::Reverse),
        (0usize..8, 0usize..3, 2usize..4).prop_map(|(a, o, s)| SourceOp::Step(a, o, s)),
        (0usize..8).prop_map(SourceOp::Broadcast),
    ]
}

/// A permutation of `0..n` from `seed`.
fn permutation(n: usize, mut seed: u64) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for k in (1..n).rev() {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        p.swap(k, (seed >> 33) as usize % (k + 1));
    }
    p
}

/// Applies `ops` to the view and the model alike.
fn apply_source<'a, const N: usize>(
    mut v: ArrayView<'a, i64, N>,
    mut m: ViewModel,
    ops: &[SourceOp],
) -> (ArrayView<'a, i64, N>, ViewModel) {
    for op in ops {
        match *op {
            SourceOp::Permute(seed) => {
                let p = permutation(N, seed);
                v = v.permuted_axes(p.clone().try_into().unwrap());
                m = m.permuted(&p);
            }
            SourceOp::Reverse(axis) => {
                let axis = axis % N;
                v = v.slice_axis_step(axis, .., -1);
                m = m.sliced(axis, 0, m.shape[axis], -1);
            }
            SourceOp::Step(axis, offset, step) => {
                let axis = axis % N;
                let start = offset.min(m.shape[axis]);
                v = v.slice_axis_step(axis, start.., step as isize);
                m = m.sliced(axis, start, m.shape[axis], step as isize);
            }
            SourceOp::Broadcast(axis) => {
                let axis = axis % N;
                if m.shape[axis] == 1 {
                    let mut dims = v.shape();
                    dims[axis] = 3;
                    v = v.broadcast_to(dims).unwrap();
                    m = m.broadcast(&dims).unwrap();
                }
            }
        }
    }
    (v, m)
}

/// `s!` slicing of a view made by `ops` from a fresh array of shape
/// `shape` matches the model, for `slice` and `slice_mut` (which writes
/// exactly the model's positions), or panics naming the first axis whose
/// range is out of bounds.
fn prop_s_slicing<const N: usize>(
    shape: [usize; N],
    ops: &[SourceOp],
    seeds: &[AxisSeed],
) -> TestResult {
    // Broadcasting would make the mutable case alias: slice_mut runs on
    // the unbroadcast chain.
    let ops: Vec<SourceOp> = ops
        .iter()
        .filter(|op| !matches!(op, SourceOp::Broadcast(_)))
        .cloned()
        .collect();
    bumper::no_escape(|sc| {
        let data: Vec<i64> = (0..len_of(&shape) as i64).collect();
        let a = sc.alloc_from_slice(shape, &data);
        let (v, m) = apply_source(a.view(), ViewModel::full(&shape), &ops);
        let specs: Vec<AxisSpec> = (0..N).map(|k| seeds[k].spec(m.shape[k])).collect();
        let slices: [Slice; N] = core::array::from_fn(|k| specs[k].slice());
        let resolved: Vec<Option<(usize, usize)>> =
            (0..N).map(|k| specs[k].resolve(m.shape[k])).collect();
        if let Some(bad) = resolved.iter().position(Option::is_none) {
            let want = format!(
                "slice {} is out of bounds for axis {bad} of length {}",
                specs[bad].text(),
                m.shape[bad]
            );
            let msg = panics_here(|| consume(v.slice(slices)));
            prop_assert_eq!(msg, want);
            return Ok(());
        }
        let mut want = m;
        for (k, r) in resolved.iter().enumerate() {
            let (start, end) = r.expect("checked above");
            want = want.sliced(k, start, end, specs[k].step);
        }
        let got = v.slice(slices);
        prop_assert_eq!(&got.shape()[..], &want.shape[..]);
        prop_assert_eq!(got.to_vec(), want.values(&data));
        // The same through slice_mut: exactly the model's positions change.
        let mut b = sc.alloc_from_slice(shape, &data);
        with_mut_chain(b.view_mut(), &ops, &mut |mut chain| {
            chain.slice_mut(slices).map_inplace(|x| *x = -1 - *x);
        });
        let mut expected = data.clone();
        for &p in &want.pos {
            expected[p] = -1 - expected[p];
        }
        prop_assert_eq!(b.to_vec(), expected);
        Ok(())
    })
}

/// Applies `ops` (no broadcasts) through the `_mut` methods and hands
/// the resulting mutable view to `f`.
fn with_mut_chain<const N: usize>(
    mut a: PtrArray<'_, i64, N>,
    ops: &[SourceOp],
    f: &mut dyn FnMut(PtrArray<'_, i64, N>),
) {
    let Some((op, rest)) = ops.split_first() else {
        return f(a);
    };
    match *op {
        SourceOp::Permute(seed) => {
            let p: [usize; N] = permutation(N, seed).try_into().unwrap();
            with_mut_chain(a.permuted_axes_mut(p), rest, f)
        }
        SourceOp::Reverse(axis) => with_mut_chain(a.slice_axis_step_mut(axis % N, .., -1), rest, f),
        SourceOp::Step(axis, offset, step) => {
            let axis = axis % N;
            let start = offset.min(a.shape()[axis]);
            with_mut_chain(a.slice_axis_step_mut(axis, start.., step as isize), rest, f)
        }
        SourceOp::Broadcast(_) => unreachable!("no broadcasts on a mutable chain"),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn s_slicing_rank2_matches_the_model(
        shape in proptest::array::uniform2(1usize..if cfg!(miri) { 4 } else { 8 }),
        ops in vec(source_op(), 0..3),
        seeds in vec(axis_seed(), 2),
    ) {
        prop_s_slicing(shape, &ops, &seeds)?;
    }

    #[test]
    fn s_slicing_rank3_matches_the_model(
        shape in proptest::array::uniform3(1usize..if cfg!(miri) { 4 } else { 8 }),
        ops in vec(source_op(), 0..3),
        seeds in vec(axis_seed(), 3),
    ) {
        prop_s_slicing(shape, &ops, &seeds)?;
    }
}

// ---- properties: copy_in and the layouts of map_in / zip_map_in -------------------

/// `copy_in` of a view made by `ops` is a standard-layout copy with the
/// model's values, and the source is unchanged; `map_in` and `zip_map_in`
/// (of the view with itself) have the model's values and keep the
/// source's memory order exactly when the model's positions fill one
/// block without repeats.
fn prop_copy_in<const N: usize>(shape: [usize; N], ops: &[SourceOp]) -> TestResult {
    bumper::no_escape(|sc| {
        let data: Vec<i64> = (0..len_of(&shape) as i64).map(|x| 3 * x - 7).collect();
        let a = sc.alloc_from_slice(shape, &data);
        let (v, m) = apply_source(a.view(), ViewModel::full(&shape), ops);
        let values = m.values(&data);

        let c = v.copy_in(sc);
        prop_assert_eq!(&c.shape()[..], &m.shape[..]);
        prop_assert!(c.is_standard_layout());
        prop_assert_eq!(c.as_slice(), Some(&values[..]));
        prop_assert_eq!(a.to_vec(), data.clone());

        // Whether the view fills one block (in some order of its axes),
        // from the model's positions alone.
        let block = m.is_empty()
            || (m.is_unique()
                && m.pos.iter().max().unwrap() - m.pos.iter().min().unwrap() + 1 == m.len());
        prop_assert_eq!(v.as_slice_memory_order().is_some(), block);
        prop_assert_eq!(v.is_standard_layout(), m.is_standard_contiguous());
        if let Some(mem) = v.as_slice_memory_order() {
            let low = m.pos.iter().min().copied().unwrap_or(0);
            let mut want: Vec<i64> = data[low..low + m.len()].to_vec();
            want.sort_unstable();
            let mut got = mem.to_vec();
            got.sort_unstable();
            prop_assert_eq!(got, want);
        }

        let mapped = v.map_in(sc, |x| 2 * x + 1);
        let pairs = v.zip_map_in(sc, v, |x, y| (*x, *y));
        prop_assert_eq!(
            mapped.to_vec(),
            values.iter().map(|x| 2 * x + 1).collect::<Vec<_>>()
        );
        prop_assert_eq!(
            pairs.to_vec(),
            values.iter().map(|&x| (x, x)).collect::<Vec<_>>()
        );
        if block && !m.is_empty() {
            // The result's strides are the source's, made positive.
            let strides = m.strides();
            for (k, s) in strides.iter().enumerate() {
                if let Some(s) = s {
                    prop_assert_eq!(mapped.strides()[k], s.abs());
                    prop_assert_eq!(pairs.strides()[k], s.abs());
                }
            }
            prop_assert!(mapped.as_slice_memory_order().is_some());
        } else {
            prop_assert!(mapped.is_standard_layout());
            prop_assert!(pairs.is_standard_layout());
        }
        Ok(())
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn copy_in_rank1_matches_the_model(
        shape in proptest::array::uniform1(0usize..if cfg!(miri) { 4 } else { 40 }),
        ops in vec(source_op(), 0..4),
    ) {
        prop_copy_in(shape, &ops)?;
    }

    #[test]
    fn copy_in_rank2_matches_the_model(
        shape in proptest::array::uniform2(0usize..if cfg!(miri) { 4 } else { 12 }),
        ops in vec(source_op(), 0..4),
    ) {
        prop_copy_in(shape, &ops)?;
    }

    #[test]
    fn copy_in_rank3_matches_the_model(
        shape in proptest::array::uniform3(0usize..if cfg!(miri) { 4 } else { 12 }),
        ops in vec(source_op(), 0..4),
    ) {
        prop_copy_in(shape, &ops)?;
    }

    #[test]
    fn copy_in_rank4_matches_the_model(
        shape in proptest::array::uniform4(0usize..if cfg!(miri) { 3 } else { 6 }),
        ops in vec(source_op(), 0..4),
    ) {
        prop_copy_in(shape, &ops)?;
    }
}

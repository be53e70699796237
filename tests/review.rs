//! Regression tests for the findings of the soundness review (issue #12),
//! one section per finding; each failed (UB under Miri, an abort, a wrong
//! length, a debug-build overflow panic or a panic pointing into the
//! library) before its fix. Runs under Miri in every mode `.ci/run` uses.
//! The compile-time half of finding 1 is
//! `tests/compile_fail/allocator_api2/mut_scope_allocator.rs`;
//! the rayon half of finding 2 is in `tests/par.rs`.

mod common;

use std::cell::{Cell, RefCell};
use std::panic::{self, PanicHookInfo};
use std::sync::Once;

use bumper::array::{ShapeError, Slice};
use bumper::{AllocBuffer, AllocError, ArrayView, Buffer, PtrArray, Scope, SlabBuffer};
use common::panic_message;

/// Uses a value, so that the call producing it is not optimised away.
fn consume<T>(x: T) {
    std::hint::black_box(x);
}

// ---- 1. `&mut Scope` is no allocator; `&*s` and `&s` are, and are clean ----

#[cfg(feature = "allocator-api2")]
mod allocator {
    use allocator_api2::boxed::Box;
    use allocator_api2::vec::Vec;

    /// The paths that copy the allocator bitwise (`Box::leak`, `into_raw`,
    /// `into_vec`, hashbrown's `into_iter`) on `&*s`: Miri (Stacked Borrows)
    /// found UB in each of them on `&mut Scope`, which no longer compiles.
    #[test]
    fn box_and_hashbrown_on_a_shared_scope_reference() {
        bumper::no_escape(|s| {
            let b = Box::new_in(7_u64, &*s);
            assert_eq!(*b, 7);
            let leaked: &mut u64 = Box::leak(b);
            *leaked += 1;
            assert_eq!(*leaked, 8);

            let raw = Box::into_raw(Box::new_in(9_u32, &*s));
            // SAFETY: `raw` came from `Box::into_raw` with the same
            // allocator, which is still alive (the scope is open).
            let back = unsafe { Box::from_raw_in(raw, &*s) };
            assert_eq!(*back, 9);

            let array = Box::new_in([1_u16, 2, 3], &*s);
            let v: Vec<u16, _> = array.into_vec();
            assert_eq!(v, [1, 2, 3]);

            let mut map = hashbrown::HashMap::new_in(&*s);
            for k in 0..20_u32 {
                map.insert(k, k * k);
            }
            let mut pairs: std::vec::Vec<(u32, u32)> = map.into_iter().collect();
            pairs.sort_unstable();
            assert_eq!(pairs.len(), 20);
            assert_eq!(pairs[19], (19, 361));
        });
    }

    /// The same on `&s` (`&&mut Scope`), the form `Vec::new_in(&s)` uses.
    #[test]
    fn box_and_hashbrown_on_a_reference_to_the_closure_argument() {
        bumper::no_escape(|s| {
            let b = Box::new_in(7_u64, &s);
            assert_eq!(*Box::leak(b), 7);
            let array = Box::new_in([4_u8, 5], &s);
            assert_eq!(array.into_vec(), [4, 5]);
            let mut map = hashbrown::HashMap::new_in(&s);
            map.insert("a", 1);
            map.insert("b", 2);
            let mut pairs: std::vec::Vec<_> = map.into_iter().collect();
            pairs.sort_unstable();
            assert_eq!(pairs, [("a", 1), ("b", 2)]);
            // `s` is still usable once the collections are gone.
            assert_eq!(s.alloc_filled([2], 3_i32).iter().sum::<i32>(), 6);
        });
    }

    // ---- 2. collections on `with_default_buffer`'s buffer never abort ----

    /// The snippet: inside a scope, a collection on the buffer
    /// `with_default_buffer` hands out allocated nothing and `push` aborted
    /// the process. It now works as it does with no scope open.
    #[test]
    fn default_buffer_collection_inside_a_scope() {
        let sum = |b: &dyn bumper::Buffer| {
            let mut v = Vec::new_in(b);
            for k in 1..=100_u32 {
                v.push(k);
            }
            v.iter().sum::<u32>()
        };
        let outside = bumper::with_default_buffer(sum);
        let inside = bumper::no_escape(|s| {
            let a = s.alloc_filled([8], 1_u8);
            let r = bumper::with_default_buffer(sum);
            // The scope's array is untouched, and the scope may allocate
            // again once the call has returned.
            assert_eq!(a.to_vec(), [1; 8]);
            assert_eq!(s.alloc_filled([2], 5_u8).to_vec(), [5, 5]);
            r
        });
        assert_eq!((outside, inside), (5050, 5050));
        bumper::no_escape(|_| {
            bumper::with_default_buffer(|b| {
                Vec::new_in(b).push(1_u32);
            })
        });
        // Memory taken inside the scope came back when it closed.
        let used = bumper::default_buffer_stats().used_bytes;
        bumper::no_escape(|_| bumper::with_default_buffer(sum));
        assert_eq!(bumper::default_buffer_stats().used_bytes, used);
    }

    /// What is still refused, deterministically: a scope opened inside the
    /// call. Its `push` panics (the InnerScopeOpen message), no abort, and
    /// the collection is unchanged and usable after the scope.
    #[test]
    fn default_buffer_collection_in_a_nested_scope_panics() {
        bumper::with_default_buffer(|b| {
            let mut v = Vec::with_capacity_in(1, b);
            v.push(1_u64);
            let msg = super::panic_message(|| {
                bumper::no_escape(|_inner| v.push(2));
            });
            assert!(
                msg.starts_with("cannot allocate from the scope at depth 0")
                    || msg.starts_with("cannot allocate directly from a buffer"),
                "{msg}"
            );
            assert_eq!(v, [1]);
            v.push(3);
            assert_eq!(v, [1, 3]);
        });
    }
}

// ---- 3. broadcast_to refuses shapes with more than isize::MAX elements ----

#[test]
fn broadcast_to_a_shape_whose_count_overflows_is_an_error() {
    bumper::no_escape(|s| {
        let a = s.alloc_filled([1, 1], 3_i32);
        let err = a.broadcast_to([1 << 32, 1 << 32]).unwrap_err();
        assert_eq!(
            err,
            ShapeError::TooManyElements {
                dims: vec![1 << 32, 1 << 32]
            }
        );
        assert_eq!(
            err.to_string(),
            "shape [4294967296, 4294967296] has more than isize::MAX (9223372036854775807) elements"
        );
        assert!(a.broadcast_to([3, 1 << 63]).is_err());
        assert!(a.view().broadcast_to([2, 1 << 62]).is_err());
        assert!(a.broadcast_to([usize::MAX, 1]).is_err());
        // The largest count allowed is isize::MAX itself.
        let big = a.broadcast_to([1, isize::MAX as usize]).unwrap();
        assert_eq!(big.len(), isize::MAX as usize);
        assert_eq!(big[[0, isize::MAX as usize - 1]], 3);
        // An incompatible shape is reported as such, even when huge.
        let b = s.alloc::<u8, 1>([2]);
        assert!(matches!(
            b.broadcast_to([1 << 40, 3]),
            Err(ShapeError::Incompatible { .. })
        ));
    });
}

// ---- 4. huge slice steps ------------------------------------------------------

#[test]
fn slicing_with_a_huge_step_keeps_one_element() {
    bumper::no_escape(|s| {
        let mut a = s.alloc_with([3, 4], |[i, j]| 10 * i + j);
        let first = a.slice_axis_step_mut(0, .., isize::MAX);
        assert_eq!(first.shape(), [1, 4]);
        assert_eq!(first.to_vec(), [0, 1, 2, 3]);
        let last = a.slice_axis_step(0, .., isize::MIN);
        assert_eq!(last.shape(), [1, 4]);
        assert_eq!(last.to_vec(), [20, 21, 22, 23]);
        let v = a.view().slice([
            Slice::from(1..).step_by(isize::MAX),
            Slice::from(..).step_by(-isize::MAX),
        ]);
        assert_eq!((v.shape(), v.to_vec()), ([1, 1], vec![13]));
        // Two elements still take the full stride.
        let two = a.slice_axis_step(1, .., 3);
        assert_eq!(
            (two.strides(), two.to_vec()),
            ([4, 3], vec![0, 3, 10, 13, 20, 23])
        );
    });
}

// ---- 5. a zero-length axis makes a shape empty, whatever the others hold ----

#[test]
fn an_empty_axis_anywhere_means_an_empty_array() {
    bumper::no_escape(|s| {
        for dims in [[2, usize::MAX, 0], [2, 0, usize::MAX], [0, usize::MAX, 2]] {
            let a = s.try_alloc::<u8, 3>(dims).unwrap();
            assert_eq!((a.shape(), a.len(), a.is_empty()), (dims, 0, true));
            assert_eq!(a.to_vec(), Vec::<u8>::new());
            assert_eq!(a.iter().count(), 0);
            assert_eq!((a.sum(), a.max()), (0, None));
            // Slicing the long axis and fixing an index of another neither
            // overflows nor moves the pointer.
            let long = dims.iter().position(|&d| d == usize::MAX).unwrap();
            let v = a.slice_axis(long, 1..);
            assert!(v.is_empty());
            let w = a.view().slice_axis_step(long, usize::MAX - 9.., 7);
            assert_eq!(w.shape()[long], 2);
            assert!(w.is_empty());
            let x = a.view().slice_axis_step(long, .., -3);
            assert!(x.is_empty());
        }
        assert_eq!(s.try_alloc::<u64, 2>([usize::MAX, 0]).unwrap().len(), 0);
        // Without a zero axis the overflow is still an error.
        assert_eq!(
            s.try_alloc::<u8, 3>([2, usize::MAX, 1]).unwrap_err(),
            AllocError::SizeOverflow
        );
        // Broadcast views too.
        let one = s.alloc_filled([1, 1, 1], 4_u16);
        let b = one.broadcast_to([2, usize::MAX, 0]).unwrap();
        assert_eq!((b.len(), b.is_empty(), b.max()), (0, true, None));
        assert_eq!(b.to_vec(), Vec::<u16>::new());
    });
}

// ---- 6. the default buffer from a thread-local destructor -------------------

/// What the calls made from a thread-local destructor saw.
#[derive(Debug, Default, PartialEq)]
struct TeardownReport {
    /// `default_buffer_stats().high_water_bytes` before anything else: 0
    /// means the thread's own buffer (used before, high water > 0) is gone.
    high_water_at_start: usize,
    no_escape_sum: u64,
    with_buffer_used: usize,
    after_with_buffer: usize,
    default_buffer_used_inside_scope: usize,
    collection_sum: u32,
    reset_ok: bool,
}

struct RunsAtThreadExit(std::sync::mpsc::Sender<TeardownReport>);

impl Drop for RunsAtThreadExit {
    fn drop(&mut self) {
        let mut r = TeardownReport {
            high_water_at_start: bumper::default_buffer_stats().high_water_bytes,
            ..TeardownReport::default()
        };
        r.no_escape_sum = bumper::no_escape(|s| s.alloc_filled([4], 5_u64).iter().sum());
        let buf = AllocBuffer::with_capacity(256);
        r.with_buffer_used = bumper::with_buffer(&buf, || {
            bumper::no_escape(|s| {
                let _a = s.alloc::<u8, 1>([40]);
                buf.used_bytes()
            })
        });
        r.after_with_buffer = buf.used_bytes();
        r.default_buffer_used_inside_scope = bumper::no_escape(|s| {
            let _a = s.alloc::<u8, 1>([24]);
            bumper::with_default_buffer(|b| b.used_bytes())
        });
        #[cfg(feature = "allocator-api2")]
        {
            r.collection_sum = bumper::with_default_buffer(|b| {
                let mut v = allocator_api2::vec::Vec::new_in(b);
                v.extend(1..=10_u32);
                v.iter().sum()
            });
        }
        bumper::reset_default_buffer();
        r.reset_ok = true;
        let _ = self.0.send(r);
    }
}

thread_local! {
    static AT_EXIT: RefCell<Option<RunsAtThreadExit>> = const { RefCell::new(None) };
}

/// `with_buffer`, `with_default_buffer`, `default_buffer_stats`,
/// `reset_default_buffer` and `no_escape`, called from a thread-local
/// destructor that runs after the crate's own thread-local is destroyed,
/// work (they panicked with std's AccessError, an abort at thread exit).
#[test]
fn default_buffer_calls_from_a_thread_local_destructor() {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Registered first, so destroyed after the crate's thread-local
        // (destructors run in reverse order of registration).
        AT_EXIT.with(|slot| *slot.borrow_mut() = Some(RunsAtThreadExit(tx)));
        bumper::no_escape(|s| {
            let _a = s.alloc::<u64, 1>([100]);
        });
        assert!(bumper::default_buffer_stats().high_water_bytes >= 800);
    })
    .join()
    .expect("the thread exits cleanly");
    let report = rx.recv().expect("the destructor ran to its end");
    assert_eq!(
        report,
        TeardownReport {
            high_water_at_start: 0,
            no_escape_sum: 20,
            with_buffer_used: 40,
            after_with_buffer: 0,
            default_buffer_used_inside_scope: 24,
            collection_sum: if cfg!(feature = "allocator-api2") {
                55
            } else {
                0
            },
            reset_ok: true,
        }
    );
}

// ---- 7. panics on bad input point at the caller ----------------------------

thread_local! {
    static EXPECTING: Cell<bool> = const { Cell::new(false) };
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Records the location of every panic on this thread; stays quiet about
/// the ones a test expects.
fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info: &PanicHookInfo<'_>| {
            LOCATION.with(|l| *l.borrow_mut() = info.location().map(|l| l.file().to_owned()));
            if !EXPECTING.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, which must panic at a location in this file (the caller's),
/// and returns the message.
#[track_caller]
fn panics_here(what: &str, f: impl FnOnce()) -> String {
    install_hook();
    EXPECTING.with(|e| e.set(true));
    let caught = panic::catch_unwind(panic::AssertUnwindSafe(f));
    EXPECTING.with(|e| e.set(false));
    let Err(payload) = caught else {
        panic!("{what}: expected a panic");
    };
    let msg = match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(p) => p
            .downcast_ref::<&str>()
            .expect("a string panic")
            .to_string(),
    };
    let file = LOCATION
        .with(|l| l.borrow_mut().take())
        .expect("the hook ran");
    assert_eq!(
        file,
        file!(),
        "{what}: the panic points into {file}, not at the caller ({msg})"
    );
    msg
}

#[test]
fn buffer_and_scope_panics_point_at_the_caller() {
    let small = AllocBuffer::with_capacity(16);
    small.no_escape(|s| {
        panics_here("Scope::alloc", || consume(s.alloc::<u64, 1>([100])));
        panics_here("Scope::alloc_filled", || {
            consume(s.alloc_filled([100], 1_u64))
        });
        panics_here("Scope::alloc_uninit", || {
            consume(s.alloc_uninit::<u64, 1>([100]))
        });
        panics_here("Scope::alloc_ptr", || consume(s.alloc_ptr(100, 8)));
        panics_here("Scope::alloc_with", || {
            consume(s.alloc_with([100], |[i]| i))
        });
        panics_here("Scope::alloc_from_slice", || {
            consume(s.alloc_from_slice([3], &[1, 2]))
        });
        panics_here("Scope::alloc_from_slice (full)", || {
            consume(s.alloc_from_slice([4], &[1_u64; 4]))
        });
    });
    panics_here("Buffer::alloc", || consume(small.alloc::<u64, 1>([100])));
    panics_here("Buffer::alloc_filled", || {
        consume(small.alloc_filled([100], 0_u32))
    });
    panics_here("Buffer::alloc_uninit", || {
        consume(small.alloc_uninit::<u32, 1>([100]))
    });
    panics_here("Buffer::alloc_ptr", || consume(small.alloc_ptr(100, 1)));
    panics_here("Buffer::alloc_with", || {
        consume(small.alloc_with([100], |[i]| i))
    });
    panics_here("Buffer::alloc_from_slice", || {
        consume(small.alloc_from_slice([2], &[1_u8]))
    });
    panics_here("dyn Buffer::alloc_ptr", || {
        let d: &dyn Buffer = &small;
        consume(d.alloc_ptr(100, 1));
    });
    let mut a = SlabBuffer::<1024>::new();
    let b = SlabBuffer::<1024>::new();
    panics_here("Buffer::restore", || a.restore(b.checkpoint()));
    panics_here("reset_default_buffer", || {
        bumper::no_escape(|_| bumper::reset_default_buffer())
    });
    panics_here("AllocBuffer::with_capacity", || {
        consume(AllocBuffer::with_capacity(usize::MAX))
    });
    // An outer scope that allocates while an inner one is open.
    bumper::no_escape(|outer| {
        bumper::no_escape(|_inner| {
            panics_here("outer Scope::alloc", || consume(outer.alloc::<u8, 1>([1])));
        })
    });
}

#[test]
fn array_panics_point_at_the_caller() {
    bumper::no_escape(|s| {
        let mut m = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as f64);
        let other = s.alloc::<f64, 2>([3, 3]);
        let v = m.view();
        panics_here("Slice::step_by", || consume(Slice::from(..).step_by(0)));
        // Views.
        panics_here("ArrayView index", || consume(v[[2, 0]]));
        panics_here("ArrayView::permuted_axes", || {
            consume(v.permuted_axes([0, 0]))
        });
        panics_here("ArrayView::slice_axis", || consume(v.slice_axis(0, 1..5)));
        panics_here("ArrayView::slice_axis_step", || {
            consume(v.slice_axis_step(3, .., 1))
        });
        panics_here("ArrayView::slice", || {
            consume(v.slice([Slice::from(..), Slice::from(4..)]))
        });
        panics_here("ArrayView::index_axis", || consume(v.index_axis::<1>(0, 2)));
        panics_here("ArrayView::split_at", || consume(v.split_at(1, 4)));
        panics_here("ArrayView::dot", || consume(v.dot(&other)));
        panics_here("ArrayView::sum_axis", || consume(v.sum_axis::<1>(2, s)));
        panics_here("ArrayView::mean_axis", || consume(v.mean_axis::<1>(5, s)));
        panics_here("ArrayView::max_axis", || consume(v.max_axis::<1>(5, s)));
        panics_here("ArrayView::min_axis", || consume(v.min_axis::<1>(5, s)));
        panics_here("ArrayView::zip_map_in", || {
            consume(v.zip_map_in(s, &other, |a, b| a + b))
        });
        panics_here("ArrayView::add_in", || consume(v.add_in(s, &other)));
        panics_here("ArrayView::sub_in", || consume(v.sub_in(s, &other)));
        panics_here("ArrayView::mul_in", || consume(v.mul_in(s, &other)));
        panics_here("ArrayView::div_in", || consume(v.div_in(s, &other)));
        // PtrArray, read side.
        panics_here("PtrArray index", || consume(m[[0, 3]]));
        panics_here("PtrArray::permuted_axes", || {
            consume(m.permuted_axes([1, 1]))
        });
        panics_here("PtrArray::slice_axis", || consume(m.slice_axis(1, 1..4)));
        panics_here("PtrArray::slice_axis_step", || {
            consume(m.slice_axis_step(1, .., 0))
        });
        panics_here("PtrArray::slice", || {
            consume(m.slice([Slice::from(3..), Slice::from(..)]))
        });
        panics_here("PtrArray::index_axis", || consume(m.index_axis::<1>(1, 3)));
        panics_here("PtrArray::dot", || consume(m.dot(&other)));
        panics_here("PtrArray::sum_axis", || consume(m.sum_axis::<1>(2, s)));
        panics_here("PtrArray::mean_axis", || consume(m.mean_axis::<1>(2, s)));
        panics_here("PtrArray::max_axis", || consume(m.max_axis::<1>(2, s)));
        panics_here("PtrArray::min_axis", || consume(m.min_axis::<1>(2, s)));
        panics_here("PtrArray::zip_map_in", || {
            consume(m.zip_map_in(s, &other, |a, b| a * b))
        });
        panics_here("PtrArray::add_in", || consume(m.add_in(s, &other)));
        // PtrArray, write side.
        panics_here("PtrArray index_mut", || m[[5, 0]] = 1.0);
        panics_here("PtrArray::permuted_axes_mut", || {
            consume(m.permuted_axes_mut([2, 0]))
        });
        panics_here("PtrArray::slice_axis_mut", || {
            consume(m.slice_axis_mut(0, ..3))
        });
        panics_here("PtrArray::slice_axis_step_mut", || {
            consume(m.slice_axis_step_mut(2, .., 1))
        });
        panics_here("PtrArray::slice_mut", || {
            consume(m.slice_mut([Slice::from(..), Slice::from(..=3)]))
        });
        panics_here("PtrArray::index_axis_mut", || {
            consume(m.index_axis_mut::<1>(0, 9))
        });
        panics_here("PtrArray::split_at_mut", || consume(m.split_at_mut(0, 3)));
        panics_here("PtrArray::assign", || m.assign(&other));
        panics_here("PtrArray::zip_mut_with", || {
            m.zip_mut_with(&other, |a, b| *a += b)
        });
        panics_here("PtrArray += &PtrArray", || m += &other);
        panics_here("PtrArray -= ArrayView", || m -= other.view());
        panics_here("PtrArray *= &ArrayView", || m *= &other.view());
        panics_here("PtrArray /= &PtrArray", || m /= &other);
        let whole = s.alloc::<f64, 2>([2, 3]);
        panics_here("PtrArray::into_split_at", || {
            consume(whole.into_split_at(2, 0))
        });
        // Allocating methods whose allocation fails (an outer scope while
        // an inner one is open) point at the caller too.
        bumper::no_escape(|_inner| {
            panics_here("ArrayView::map_in", || {
                consume(m.view().map_in(s, |x| x + 1.0))
            });
            panics_here("PtrArray::map_in", || consume(m.map_in(s, |x| x + 1.0)));
            panics_here("ArrayView::try_zip_map_in", || {
                consume(m.view().try_zip_map_in(s, &m, |x, y| x + y))
            });
            panics_here("ArrayView::try_add_in", || {
                consume(m.view().try_add_in(s, &m))
            });
            panics_here("ArrayView::sum_axis (allocating)", || {
                consume(m.view().sum_axis::<1>(0, s))
            });
        });
        // SAFETY: both refuse the null pointer with a panic before they
        // use it.
        panics_here("ArrayView::from_raw_parts", || unsafe {
            consume(ArrayView::<f64, 1>::from_raw_parts(
                std::ptr::null(),
                [1],
                [1],
            ))
        });
        // SAFETY: as above.
        panics_here("PtrArray::from_raw_parts_mut", || unsafe {
            consume(PtrArray::<f64, 1>::from_raw_parts_mut(
                std::ptr::null_mut(),
                [1],
                [1],
            ))
        });
        // mean with a count the element type cannot hold.
        let bytes = s.alloc_filled([256], 0_u8);
        panics_here("PtrArray::mean", || consume(bytes.mean()));
        panics_here("ArrayView::mean", || consume(bytes.view().mean()));
    });
}

#[cfg(feature = "rayon")]
#[test]
fn parallel_panics_point_at_the_caller() {
    bumper::no_escape(|s| {
        let mut m = s.alloc::<f64, 2>([4, 4]);
        let other = s.alloc::<f64, 2>([3, 4]);
        panics_here("par_zip_mut_with", || {
            m.par_zip_mut_with(&other, |a, b| *a += b)
        });
        panics_here("par_axis_chunks_mut", || {
            consume(m.par_axis_chunks_mut(2, 1))
        });
        panics_here("axis_chunks_mut", || consume(m.axis_chunks_mut(0, 0)));
        panics_here("PtrArray::par_dot", || consume(m.par_dot(&other)));
        panics_here("ArrayView::par_dot", || consume(m.view().par_dot(&other)));
    });
}

// ---- 8. one rule for zero-size requests --------------------------------------

/// A zero-size request, whatever asks for it, is a dangling pointer at the
/// alignment itself and uses no memory: typed allocations, raw pointers,
/// and (in `allocator_api.rs`) the `Allocator` impls.
#[test]
fn zero_size_requests_are_dangling_and_free() {
    let fresh = SlabBuffer::<1024>::new();
    assert_eq!(fresh.alloc_ptr(0, 64).as_ptr().addr(), 64);
    assert_eq!(fresh.stats().slabs, 0, "no slab for nothing");
    let full = AllocBuffer::with_capacity(8);
    full.no_escape(|s| {
        let _x = s.alloc::<u64, 1>([1]);
        assert_eq!(s.try_alloc_ptr(0, 4096).unwrap().as_ptr().addr(), 4096);
        let e = s.alloc::<f64, 2>([0, 5]);
        assert_eq!(e.as_ptr().addr(), 8);
        let unit = s.alloc::<(), 1>([1000]);
        assert_eq!((unit.as_ptr().addr(), unit.len()), (1, 1000));
        assert_eq!(s.used_bytes(), 8);
        // The same checks as any request.
        assert_eq!(s.try_alloc_ptr(0, 3), Err(AllocError::BadAlign(3)));
    });
    bumper::no_escape(|outer| {
        bumper::no_escape(|_inner| {
            assert!(matches!(
                outer.try_alloc_ptr(0, 8),
                Err(AllocError::InnerScopeOpen { .. })
            ));
        })
    });
    #[cfg(feature = "allocator-api2")]
    {
        use allocator_api2::alloc::{Allocator, Layout};
        bumper::no_escape(|s| {
            let used = s.used_bytes();
            let p = (&*s)
                .allocate(Layout::from_size_align(0, 32).unwrap())
                .unwrap();
            assert_eq!((p.cast::<u8>().as_ptr().addr(), p.len()), (32, 0));
            assert_eq!(s.used_bytes(), used);
        });
    }
}

/// Both halves of the typed API agree with the raw one on a zero-size type.
#[test]
fn zero_sized_element_arrays_work() {
    bumper::no_escape(|s: &mut Scope<'_>| {
        let mut a: PtrArray<'_, (), 2> = s.alloc([3, 4]);
        a[[2, 3]] = ();
        assert_eq!(a.iter().count(), 12);
        let v: ArrayView<'_, (), 2> = a.view().t();
        assert_eq!(v.shape(), [4, 3]);
    });
}

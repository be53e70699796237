//! Proves the "steady state = zero heap allocations" promise of DESIGN.md
//! with a counting global allocator.
//!
//! This file is its own integration-test binary, so the counting allocator
//! only affects these tests. The counters are thread-local: the test harness
//! runs tests on parallel threads, and each test only sees the allocations
//! its own thread makes. Every measurement reads the counter just before and
//! just after the loop it measures.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use bumper::{AllocBuffer, Buffer, SlabBuffer};

/// `System`, counting the calls that take memory (alloc, alloc_zeroed,
/// realloc) and, separately, the calls that give it back (dealloc).
struct CountingAlloc;

thread_local! {
    // `const` init of a `Cell<usize>`: no lazy initialisation and no
    // destructor to register, so touching these never allocates (which
    // would re-enter the allocator).
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
    static DEALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn bump_counter(counter: &'static std::thread::LocalKey<Cell<usize>>) {
    // `try_with`: during thread teardown the slot may be gone; such
    // allocations are not measured by any test, so dropping them is fine.
    let _ = counter.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; the counting touches only a thread-local `Cell` and never
// allocates, so it cannot recurse into the allocator.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump_counter(&ALLOCS);
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump_counter(&ALLOCS);
        // SAFETY: forwarded contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump_counter(&ALLOCS);
        // SAFETY: forwarded contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        bump_counter(&DEALLOCS);
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn allocs() -> usize {
    ALLOCS.with(Cell::get)
}

fn deallocs() -> usize {
    DEALLOCS.with(Cell::get)
}

/// Runs `f` and returns its result with the number of heap allocations
/// (alloc + alloc_zeroed + realloc) and deallocations this thread made in it.
fn count<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    let (a0, d0) = (allocs(), deallocs());
    let r = f();
    let (a1, d1) = (allocs(), deallocs());
    (r, a1 - a0, d1 - d0)
}

/// Number of scopes in the zero-allocation loops.
const SCOPES: usize = if cfg!(miri) { 100 } else { 10_000 };
/// Number of inner scopes in the slab-edge loops.
const EDGE_ITERS: usize = if cfg!(miri) { 30 } else { 1000 };
/// Slab size of the explicit slab-edge buffers.
const SLAB: usize = 4096;
/// Elements of the scratch array in the zero-allocation loops.
const LEN: usize = 30;

/// The sum the loops expect in iteration `k`: y[i] = i + k for i in 0..LEN.
fn expected_sum(k: usize) -> i64 {
    (LEN * k + LEN * (LEN - 1) / 2) as i64
}

/// One iteration's work on a scope: allocate 30 i64, fill, sum.
fn fill_and_sum(s: &mut bumper::Scope<'_>, k: usize) -> i64 {
    let mut y = s.alloc::<i64, 1>([LEN]);
    for (i, v) in y.iter_mut().enumerate() {
        *v = black_box((i + k) as i64);
    }
    black_box(&y).iter().sum::<i64>()
}

#[test]
fn counter_sees_heap_allocations() {
    // The counter must not be vacuous: a Vec with capacity allocates once.
    let (v, a, d) = count(|| black_box(Vec::<u64>::with_capacity(16)));
    assert_eq!((a, d), (1, 0));
    let ((), a, d) = count(|| drop(v));
    assert_eq!((a, d), (0, 1));
    // ... and a SlabBuffer takes its first slab on the first request (plus,
    // today, the first block of its list of slabs).
    let buf = SlabBuffer::<SLAB>::new();
    let (_, a, _) = count(|| buf.no_escape(|s| fill_and_sum(s, 0)));
    assert!(a >= 1, "the first slab was not counted");
}

#[test]
fn default_buffer_scopes_do_not_allocate() {
    // Warm-up: the first scope on this thread takes the default buffer's
    // first slab (and may register the thread-local's destructor).
    assert_eq!(bumper::no_escape(|s| fill_and_sum(s, 0)), expected_sum(0));

    let (total, a, d) = count(|| {
        let mut total = 0_i64;
        for k in 0..SCOPES {
            let r = bumper::no_escape(|s| fill_and_sum(s, k));
            assert_eq!(r, expected_sum(k));
            total += r;
        }
        total
    });
    assert_eq!(
        a, 0,
        "{SCOPES} default-buffer scopes made {a} heap allocations"
    );
    assert_eq!(
        d, 0,
        "{SCOPES} default-buffer scopes made {d} heap deallocations"
    );
    assert_eq!(total, (0..SCOPES).map(expected_sum).sum::<i64>());
    assert_eq!(bumper::with_default_buffer(|b| b.used_bytes()), 0);
}

#[test]
fn alloc_buffer_scopes_do_not_allocate() {
    let buf = AllocBuffer::with_capacity(1024);
    // Warm-up, as for the default buffer (an AllocBuffer needs none, but the
    // loop below must measure the steady state either way).
    assert_eq!(buf.no_escape(|s| fill_and_sum(s, 0)), expected_sum(0));

    let (total, a, d) = count(|| {
        let mut total = 0_i64;
        for k in 0..SCOPES {
            let r = buf.no_escape(|s| fill_and_sum(s, k));
            assert_eq!(r, expected_sum(k));
            total += r;
        }
        total
    });
    assert_eq!(
        a, 0,
        "{SCOPES} AllocBuffer scopes made {a} heap allocations"
    );
    assert_eq!(
        d, 0,
        "{SCOPES} AllocBuffer scopes made {d} heap deallocations"
    );
    assert_eq!(total, (0..SCOPES).map(expected_sum).sum::<i64>());
    let st = buf.stats();
    assert_eq!(
        (st.used_bytes, st.high_water_bytes, st.open_scopes),
        (0, 8 * LEN, 0)
    );
}

/// One inner scope at the slab edge: 80 bytes do not fit in the 2 bytes
/// left, so the scope opens slab 1. Returns the sum of the array.
fn edge_scope(t: &mut bumper::Scope<'_>, buf: &SlabBuffer<SLAB>, k: usize) -> u64 {
    let mut y = t.alloc::<u8, 1>([80]);
    let st = buf.stats();
    assert_eq!(
        (st.slab_index, st.slab_offset, st.slabs),
        (1, 80, 2),
        "iteration {k}: the inner array did not go to a fresh slab"
    );
    for (i, v) in y.iter_mut().enumerate() {
        *v = black_box((i + k) as u8);
    }
    black_box(&y).iter().map(|&v| u64::from(v)).sum::<u64>()
}

fn expected_edge_sum(k: usize) -> u64 {
    (0..80).map(|i| u64::from((i + k) as u8)).sum()
}

#[test]
fn slab_edge_loop_keeps_a_spare_slab() {
    let buf = SlabBuffer::<SLAB>::new();
    buf.no_escape(|s| {
        // A fresh buffer: this takes slab 0 and leaves 2 bytes in it.
        let _fill = s.alloc_ptr(SLAB - 2, 1);
        let edge = buf.stats();
        assert_eq!((edge.slab_index, edge.slab_offset, edge.slabs), (0, SLAB - 2, 1));

        let ((), a, d) = count(|| {
            for k in 0..EDGE_ITERS {
                let r = s.no_escape(|t| edge_scope(t, &buf, k));
                assert_eq!(r, expected_edge_sum(k));
                let st = buf.stats();
                assert_eq!(
                    (st.slab_index, st.slab_offset, st.slabs, st.used_bytes),
                    (edge.slab_index, edge.slab_offset, 2, SLAB - 2),
                    "iteration {k}: the inner scope did not restore the position or dropped the spare"
                );
            }
        });
        // The first iteration takes slab 1; every later one reuses it.
        assert!(a <= 1, "{EDGE_ITERS} slab-edge scopes made {a} heap allocations (at most 1 expected)");
        assert_eq!(d, 0, "{EDGE_ITERS} slab-edge scopes freed memory {d} times");
    });
    let st = buf.stats();
    assert_eq!((st.used_bytes, st.open_scopes, st.slabs), (0, 0, 2));
}

#[test]
fn slab_edge_loop_through_default_buffer() {
    let buf = SlabBuffer::<SLAB>::new();
    bumper::with_buffer(&buf, || {
        bumper::no_escape(|s| {
            let _fill = s.alloc_ptr(SLAB - 2, 1);
            let edge = buf.stats();
            assert_eq!(
                (edge.slab_index, edge.slab_offset, edge.slabs),
                (0, SLAB - 2, 1)
            );

            let ((), a, d) = count(|| {
                for k in 0..EDGE_ITERS {
                    // A function that opens its own scope on the default
                    // buffer, called inside another: the nesting goes
                    // through the thread-local, not through `s`.
                    let r = bumper::no_escape(|t| edge_scope(t, &buf, k));
                    assert_eq!(r, expected_edge_sum(k));
                    let st = buf.stats();
                    assert_eq!(
                        (st.slab_index, st.slab_offset, st.slabs, st.open_scopes),
                        (edge.slab_index, edge.slab_offset, 2, 1),
                        "iteration {k}: the inner scope did not restore the position or dropped the spare"
                    );
                }
            });
            assert!(
                a <= 1,
                "{EDGE_ITERS} slab-edge scopes made {a} heap allocations (at most 1 expected)"
            );
            assert_eq!(d, 0, "{EDGE_ITERS} slab-edge scopes freed memory {d} times");
        });
    });
    assert_eq!(buf.stats().used_bytes, 0);
}

#[test]
fn slab_edge_loop_on_thread_own_default_buffer() {
    // The same pitfall on the thread's own default buffer (1 MiB slabs):
    // fill its current slab to 2 bytes from the end, wherever it is.
    bumper::no_escape(|s| {
        let st = bumper::with_default_buffer(|b| b.stats());
        let slab_size = st.slab_size;
        assert_eq!(slab_size, 1 << 20, "the default buffer has 1 MiB slabs");
        let _fill = s.alloc_ptr(slab_size - st.slab_offset - 2, 1);
        let edge = bumper::with_default_buffer(|b| b.stats());
        assert_eq!(edge.slab_offset, slab_size - 2);

        let ((), a, d) = count(|| {
            for k in 0..EDGE_ITERS {
                let r = bumper::no_escape(|t| {
                    let mut y = t.alloc::<u8, 1>([80]);
                    y.iter_mut().for_each(|v| *v = black_box(k as u8));
                    black_box(&y).iter().map(|&v| u64::from(v)).sum::<u64>()
                });
                assert_eq!(r, 80 * u64::from(k as u8));
                let st = bumper::with_default_buffer(|b| b.stats());
                assert_eq!(
                    (st.slab_index, st.slab_offset),
                    (edge.slab_index, edge.slab_offset)
                );
                assert!(
                    st.slabs >= edge.slab_index + 2,
                    "the spare slab was dropped"
                );
            }
        });
        assert!(
            a <= 1,
            "{EDGE_ITERS} slab-edge scopes made {a} heap allocations (at most 1 expected)"
        );
        assert_eq!(d, 0);
    });
}

#[test]
fn matrix_products_make_no_heap_allocations_after_warm_up() {
    use bumper::linalg::general_mat_mul;
    // 1000 products of 64 × 64 (the direct kernel) and 1000 of 120 × 120
    // whose B has stepped rows (the blocked kernel: packing buffers from a
    // scope on the default buffer; below the rayon threshold, so on this
    // thread). Under Miri: 3 of each at 6 × 6, which Miri's tiny blocks
    // also send through packing.
    let (reps, small, big) = if cfg!(miri) {
        (3, 6, 6)
    } else {
        (1000, 64, 120)
    };
    bumper::no_escape(|s| {
        let a = s.alloc_with([small, small], |[i, j]| (i + 2 * j) as f64);
        let b = s.alloc_with([small, small], |[i, j]| (i * j % 7) as f64);
        let mut c = s.alloc::<f64, 2>([small, small]);
        let a2 = s.alloc_with([big, big], |[i, j]| ((i + j) % 5) as f64);
        let wide = s.alloc_with([big, 2 * big], |[i, j]| ((i * j) % 3) as f64);
        let b2 = wide.slice_axis_step(1, .., 2);
        let mut c2 = s.alloc::<f64, 2>([big, big]);
        // Warm-up: the default buffer grows to what the packing needs.
        general_mat_mul(1.0, &a, &b, 0.0, &mut c);
        general_mat_mul(1.0, &a2, b2, 0.0, &mut c2);
        let (want, want2) = (c[[small - 1, 1]], c2[[big - 1, 1]]);

        let ((), allocs, deallocs) = count(|| {
            for _ in 0..reps {
                general_mat_mul(1.0, black_box(&a), black_box(&b), 0.0, &mut c);
                general_mat_mul(1.0, black_box(&a2), black_box(b2), 0.0, &mut c2);
            }
        });
        assert_eq!((c[[small - 1, 1]], c2[[big - 1, 1]]), (want, want2));
        assert_eq!(
            (allocs, deallocs),
            (0, 0),
            "{reps} products of {small}x{small} and {reps} of {big}x{big} made {allocs} heap allocations \
             and {deallocs} deallocations"
        );
    });
}

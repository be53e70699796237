//! Steady state of rayon workers with scratch: no heap allocation per item.
//! A counting global allocator (its own test binary) counts every thread's
//! allocations, rayon's included, so the bound is "a few for the whole run",
//! against one or more per item for `Vec` temporaries.
#![cfg(feature = "rayon")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Per item: a 16x16 scratch matrix and a vector, a matrix-vector product.
fn item_with_scratch(i: usize) -> f64 {
    bumper::no_escape(|s| {
        let m = s.alloc_with([16, 16], |[r, c]| ((r * 16 + c + i) % 7) as f64);
        let mut y = s.alloc::<f64, 1>([16]);
        for r in 0..16 {
            y[[r]] = (0..16).map(|c| m[[r, c]]).sum();
        }
        black_box(y.iter().sum::<f64>())
    })
}

fn item_with_vecs(i: usize) -> f64 {
    let m: Vec<f64> = (0..256).map(|k| ((k + i) % 7) as f64).collect();
    let y: Vec<f64> = (0..16)
        .map(|r| m[r * 16..r * 16 + 16].iter().sum())
        .collect();
    black_box(y.iter().sum::<f64>())
}

#[test]
fn scratch_items_do_not_allocate_in_steady_state() {
    let items = if cfg!(miri) { 24 } else { 20_000 };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let run = |f: fn(usize) -> f64| pool.install(|| (0..items).into_par_iter().map(f).sum::<f64>());
    // Warm-up: workers start, create their buffers and first slabs.
    let warm = run(item_with_scratch);

    let before = ALLOCS.load(Ordering::Relaxed);
    let total = run(item_with_scratch);
    let scratch_allocs = ALLOCS.load(Ordering::Relaxed) - before;

    let before = ALLOCS.load(Ordering::Relaxed);
    let total_vec = run(item_with_vecs);
    let vec_allocs = ALLOCS.load(Ordering::Relaxed) - before;

    assert_eq!(total, warm);
    assert_eq!(total, total_vec, "both versions compute the same");
    assert!(
        vec_allocs >= 2 * items,
        "the Vec version allocates per item ({vec_allocs})"
    );
    assert!(
        scratch_allocs <= 16,
        "{items} items with scratch made {scratch_allocs} heap allocations (rayon's own bookkeeping only)"
    );
}

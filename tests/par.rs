//! rayon: each worker has its own default buffer; scopes nest safely when a
//! worker runs a stolen job while it waits; parallel array operations equal
//! their serial versions; a panic in a job restores the worker's buffer.
#![cfg(feature = "rayon")]

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};

use proptest::prelude::*;
use rayon::prelude::*;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

#[test]
fn one_default_buffer_per_worker_thread() {
    let items = if cfg!(miri) { 32 } else { 2000 };
    let pairs: Vec<(usize, usize)> = pool(4).install(|| {
        (0..items)
            .into_par_iter()
            .map(|i| {
                bumper::no_escape(|s| {
                    // The outermost scope: its first array starts at the
                    // start of the worker's buffer, whose address tells the
                    // buffer apart.
                    assert_eq!(s.depth(), 1);
                    let a = s.alloc_filled([16 + i % 5], i as u64);
                    assert!(a.iter().all(|&x| x == i as u64));
                    (rayon::current_thread_index().unwrap(), a.as_ptr() as usize)
                })
            })
            .collect()
    });
    let mut by_thread: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (thread, addr) in &pairs {
        by_thread.entry(*thread).or_default().insert(*addr);
    }
    assert!(
        by_thread.values().all(|addrs| addrs.len() == 1),
        "{by_thread:?}"
    );
    let all: HashSet<usize> = by_thread.values().flatten().copied().collect();
    assert_eq!(all.len(), by_thread.len(), "no two threads share a buffer");
}

/// Each level holds an array while it waits in `join`; stolen jobs open
/// scopes on the same worker's buffer meanwhile.
fn recurse(depth: u32) -> u64 {
    bumper::no_escape(|s| {
        let mine = s.alloc_filled([32], u64::from(depth) * 1000 + 7);
        let (a, b) = if depth == 0 {
            (0, 0)
        } else {
            rayon::join(|| recurse(depth - 1), || recurse(depth - 1))
        };
        assert!(
            mine.iter().all(|&x| x == u64::from(depth) * 1000 + 7),
            "an array of depth {depth} was overwritten while its job waited"
        );
        a + b + mine.iter().sum::<u64>()
    })
}

/// The closed form of `recurse`.
fn expected(depth: u32) -> u64 {
    (0..=depth)
        .map(|d| (1u64 << (depth - d)) * 32 * (u64::from(d) * 1000 + 7))
        .sum()
}

#[test]
fn nested_scopes_survive_work_stealing() {
    let depth = if cfg!(miri) { 4 } else { 12 };
    let p = pool(3);
    for _ in 0..3 {
        assert_eq!(p.install(|| recurse(depth)), expected(depth));
    }
    let stats = p.install(bumper::par::worker_buffer_stats);
    assert_eq!(stats.len(), 3);
    assert!(
        stats
            .iter()
            .all(|st| st.used_bytes == 0 && st.open_scopes == 0),
        "{stats:?}"
    );
}

#[test]
fn halves_of_one_array_go_to_join() {
    bumper::no_escape(|s| {
        let mut a = s.alloc::<u64, 2>([64, 64]);
        let (mut top, mut bottom) = a.split_at_mut(0, 32);
        rayon::join(|| top.fill(1), || bottom.fill(2));
        assert_eq!(a.iter().sum::<u64>(), 32 * 64 * 3);
    });
}

#[test]
fn a_panicking_job_restores_its_workers_buffer() {
    let p = pool(2);
    let result = catch_unwind(AssertUnwindSafe(|| {
        p.install(|| {
            (0..200).into_par_iter().for_each(|i| {
                bumper::no_escape(|s| {
                    let _scratch = s.alloc::<f64, 1>([64]);
                    if i == 137 {
                        panic!("job {i} failed");
                    }
                })
            })
        })
    }));
    let msg = *result.unwrap_err().downcast::<String>().unwrap();
    assert_eq!(msg, "job 137 failed");
    let stats = p.install(bumper::par::worker_buffer_stats);
    assert!(
        stats
            .iter()
            .all(|st| st.used_bytes == 0 && st.open_scopes == 0),
        "{stats:?}"
    );
    // The pool and its buffers still work.
    let total: u64 = p.install(|| {
        (0..100u64)
            .into_par_iter()
            .map(|i| bumper::no_escape(|s| s.alloc_filled([10], i).iter().sum::<u64>()))
            .sum()
    });
    assert_eq!(total, 10 * 4950);
}

#[test]
fn axis_chunks_cover_the_array_once() {
    bumper::no_escape(|s| {
        let mut a = s.alloc::<usize, 2>([7, 5]);
        a.par_axis_chunks_mut(1, 2)
            .enumerate()
            .for_each(|(k, mut cols)| cols.map_inplace(|x| *x += k + 1));
        let col_chunk = |j: usize| j / 2 + 1;
        assert!(a.indexed_iter().all(|([_, j], &x)| x == col_chunk(j)));
        // Reverse order and exact sizes from the sequential iterator.
        let sizes: Vec<usize> = a
            .axis_chunks_mut(0, 3)
            .rev()
            .map(|c| c.shape()[0])
            .collect();
        assert_eq!(sizes, [1, 3, 3]);
        assert_eq!(a.par_axis_chunks_mut(0, 3).len(), 3);
        assert_eq!(a.par_axis_chunks_mut(0, 100).len(), 1);
    });
}

/// Shapes large enough to split into several tasks (16K elements per task
/// outside Miri, 64 under it), in several layouts.
fn big_shape() -> impl Strategy<Value = (usize, usize, u8)> {
    let rows = if cfg!(miri) { 4..12usize } else { 40..120usize };
    let cols = if cfg!(miri) {
        8..24usize
    } else {
        300..700usize
    };
    (rows, cols, 0u8..3)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 3 } else { 24 }, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn parallel_ops_equal_serial((rows, cols, layout) in big_shape(), seed in 0u64..1000) {
        bumper::no_escape(|s| {
            let base = s.alloc_with([rows, cols], |[i, j]| ((i * 31 + j * 17) as u64 + seed) % 1000);
            // layout 0: as is; 1: transposed copy viewed back (strided); 2: reversed rows
            let mut a = s.alloc::<u64, 2>([rows, cols]);
            let mut b = s.alloc::<u64, 2>([rows, cols]);
            let make = |dst: &mut bumper::PtrArray<'_, u64, 2>| dst.assign(&base);
            make(&mut a);
            make(&mut b);
            let mut t_store = s.alloc::<u64, 2>([cols, rows]);
            t_store.assign(base.t());
            let mut view_a = match layout {
                0 => a.view_mut(),
                1 => t_store.t_mut(),
                _ => a.slice_axis_step_mut(0, .., -1),
            };
            let mut view_b = match layout {
                2 => b.slice_axis_step_mut(0, .., -1),
                _ => b.view_mut(),
            };
            view_a.par_map_inplace(|x| *x = *x * 3 + 1);
            view_b.map_inplace(|x| *x = *x * 3 + 1);
            prop_assert_eq!(view_a.to_vec(), view_b.to_vec());

            let row = s.alloc_with([1, cols], |[_, j]| j as u64);
            view_a.par_zip_mut_with(&row, |x, y| *x += y);
            view_b.zip_mut_with(&row, |x, y| *x += y);
            prop_assert_eq!(view_a.to_vec(), view_b.to_vec());

            prop_assert_eq!(view_a.par_sum(), view_b.view().sum());
            prop_assert_eq!(view_a.par_dot(&view_b), view_b.view().dot(&view_b));
            Ok(())
        })?;
    }
}

#[test]
fn par_sum_keeps_the_accuracy_rule() {
    // Under Miri still several tasks of more than MIN_ELEMS_PER_TASK.
    let n = if cfg!(miri) { 5_000 } else { 10_000_000 };
    bumper::no_escape(|s| {
        let a = s.alloc_filled([n], 0.1_f32);
        let exact = n as f64 * f64::from(0.1_f32);
        let got = f64::from(a.par_sum());
        assert!((got - exact).abs() < 1.0, "par_sum {got} vs {exact}");
    });
}

/// Finding 2 of the soundness review (#12): a job that grows a collection
/// on `with_default_buffer`'s buffer works the same when a worker runs it
/// alone as when the worker runs it inside another job's open scope (it
/// aborted the process there: the buffer refused every allocation).
#[cfg(feature = "allocator-api2")]
#[test]
fn default_buffer_collection_in_a_job_run_inside_another_jobs_scope() {
    fn job() -> (usize, u32) {
        bumper::with_default_buffer(|b| {
            let mut v = allocator_api2::vec::Vec::new_in(b);
            v.extend(1..=50_u32);
            v.push(0);
            (b.stats().open_scopes, v.iter().sum())
        })
    }
    // One worker, so the spawned job can only run where this one yields.
    let alone = pool(1).install(job);
    let nested = pool(1).install(|| {
        let out = std::sync::OnceLock::new();
        rayon::scope(|sc| {
            sc.spawn(|_| {
                out.set(job()).unwrap();
            });
            bumper::no_escape(|s| {
                let a = s.alloc_filled([16], 7_u8);
                while out.get().is_none() {
                    // Runs the spawned job on this worker, inside the scope.
                    rayon::yield_now();
                }
                assert_eq!(a.to_vec(), [7; 16]);
            });
        });
        out.into_inner().unwrap()
    });
    assert_eq!(alone, (0, 1275));
    assert_eq!(
        nested,
        (1, 1275),
        "ran inside the scope, with the same result"
    );
}

#[test]
fn par_for_each_matches_for_each() {
    let side = if cfg!(miri) { 20 } else { 300 };
    bumper::no_escape(|s| {
        let x = s.alloc_with([side, side], |[i, j]| (i * side + j) as u64);
        let row = s.alloc_with([1, side], |[_, j]| j as u64);
        let mut serial = s.alloc::<u64, 2>([side, side]);
        let mut par = s.alloc::<u64, 2>([side, side]);
        bumper::array::Zip::from(&mut serial)
            .and(x.t())
            .and(&row)
            .for_each(|y, &x, &r| *y = 3 * x + r);
        bumper::array::Zip::from(&mut par)
            .and(x.t())
            .and(&row)
            .par_for_each(|y, &x, &r| *y = 3 * x + r);
        assert_eq!(par, serial);
        assert_eq!(par[[2, 5]], 3 * (5 * side as u64 + 2) + 5);
    });
}

#[test]
fn par_for_each_with_a_transposed_by_value_output() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let side = if cfg!(miri) { 12 } else { 300 };
    bumper::no_escape(|s| {
        let x = s.alloc_with([side, side], |[i, j]| (i * side + j) as f64);
        let col = s.alloc_with([side, 1], |[i, _]| i as f64);
        let mut serial = s.alloc::<f64, 2>([side, side]);
        let mut par_t = s.alloc::<f64, 2>([side, side]);
        bumper::Zip::from(&mut serial)
            .and(&x)
            .and(x.t())
            .and(&col)
            .for_each(|y, &x, &xt, &c| *y = 2.0 * x - xt + c);
        let calls = AtomicUsize::new(0);
        // The written producer is a transposed by-value view: the split
        // follows its memory, the results land in the same places.
        bumper::Zip::from(par_t.t_mut())
            .and(x.t())
            .and(&x)
            .and(col.t())
            .par_for_each(|y, &xt, &x, &c| {
                calls.fetch_add(1, Ordering::Relaxed);
                *y = 2.0 * xt - x + c;
            });
        assert_eq!(calls.load(Ordering::Relaxed), side * side);
        assert_eq!(par_t, serial);
        assert_eq!(
            serial[[2, 5]],
            2.0 * (2 * side + 5) as f64 - (5 * side + 2) as f64 + 2.0
        );
    });
}

/// The naive product of two `n × n` matrices given by `f`, row-major.
fn naive_square(
    n: usize,
    a: impl Fn(usize, usize) -> i64,
    b: impl Fn(usize, usize) -> i64,
) -> Vec<i64> {
    let mut out = vec![0; n * n];
    for i in 0..n {
        for j in 0..n {
            out[i * n + j] = (0..n).map(|p| a(i, p) * b(p, j)).sum();
        }
    }
    out
}

#[test]
fn large_products_split_over_the_workers_and_match() {
    // Above `PAR_MIN_WORK` (8³ under Miri, 128³ natively), on a 2-worker
    // pool: the product splits into blocks of C, each worker packing into
    // its own default buffer; the result must equal the serial one.
    use bumper::linalg::{general_mat_mul, PAR_MIN_WORK};
    let n = if cfg!(miri) { 10 } else { 200 };
    assert!(n * n * n >= PAR_MIN_WORK);
    let fa = |i: usize, j: usize| ((i * 3 + j) % 7) as i64 - 3;
    let fb = |i: usize, j: usize| ((i + 5 * j) % 5) as i64;
    let want = naive_square(n, fa, fb);
    pool(2).install(|| {
        bumper::no_escape(|s| {
            let a = s.alloc_with([n, n], |[i, j]| fa(i, j));
            let b = s.alloc_with([n, n], |[i, j]| fb(i, j));
            assert_eq!(a.matmul_in(&b, s).to_vec(), want);
            // Floats, with a column-major C and a transposed A.
            let at = s.alloc_with([n, n], |[j, i]| fa(i, j) as f64);
            let bf = s.alloc_with([n, n], |[i, j]| fb(i, j) as f64);
            let mut ct = s.alloc_filled([n, n], f64::NAN);
            general_mat_mul(1.0, at.t(), &bf, 0.0, &mut ct.t_mut());
            let got: Vec<i64> = ct.t().to_vec().iter().map(|&x| x as i64).collect();
            assert_eq!(got, want);
        });
    });
}

//! Bumper.jl's own test suite, ported (see `shared/BUMPER_JL.md`, "Its test
//! suite"). Each test names the Julia test it follows. The Julia tests that
//! check escapes at run time are compile errors here: see
//! `tests/compile_fail/`.

use bumper::{AllocBuffer, AllocError, Buffer, SlabBuffer};

/// `f(x) = @no_escape (y = @alloc(eltype(x), length(x)); y .= x .+ 1; sum(y))`
fn f_default(x: &[i64]) -> i64 {
    bumper::no_escape(|s| {
        let mut y = s.alloc::<i64, 1>([x.len()]);
        for (yi, xi) in y.iter_mut().zip(x) {
            *yi = xi + 1;
        }
        y.iter().sum()
    })
}

/// The same with an explicit buffer: `@no_escape buf ...`.
fn f_buf(x: &[i64], buf: &impl Buffer) -> i64 {
    buf.no_escape(|s| {
        let y = s.alloc_with([x.len()], |[i]| x[i] + 1);
        y.iter().sum()
    })
}

fn default_used() -> usize {
    bumper::with_default_buffer(|b| b.used_bytes())
}

#[test]
fn test_1_default_buffer() {
    let before = default_used();
    assert_eq!(f_default(&[1, 2, 3]), 9);
    assert_eq!(
        default_used(),
        before,
        "the default buffer is back at its start"
    );
}

#[test]
fn test_1_alloc_buffer_100() {
    let buf = AllocBuffer::with_capacity(100);
    assert_eq!(f_buf(&[1, 2, 3], &buf), 9);
    assert_eq!(buf.used_bytes(), 0);
    // With `with_buffer`, the default-buffer version uses it too.
    let r = bumper::with_buffer(&buf, || {
        let r = f_default(&[1, 2, 3]);
        assert_eq!(buf.stats().high_water_bytes, 24);
        r
    });
    assert_eq!(r, 9);
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn test_1_alloc_bang() {
    // `alloc!(buf, T, n...)` outside a block: `buf.alloc`, restored by hand.
    let mut buf = SlabBuffer::<16384>::new();
    let cp = buf.checkpoint();
    let x = [1_i64, 2, 3];
    let mut y = buf.alloc::<i64, 1>([3]);
    for (yi, xi) in y.iter_mut().zip(&x) {
        *yi = xi + 1;
    }
    assert_eq!(y.iter().sum::<i64>(), 9);
    assert_eq!(buf.used_bytes(), 24);
    buf.restore(cp);
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn test_2_slab_overflow_in_nested_scopes() {
    const SLAB: usize = 16384;
    let buf = SlabBuffer::<SLAB>::new();
    buf.no_escape(|s| {
        // Fill the first slab to 2 bytes from its end.
        let _fill = s.alloc_ptr(SLAB - 2, 1);
        let st = buf.stats();
        assert_eq!((st.slab_index, st.slab_offset, st.slabs), (0, SLAB - 2, 1));

        // Five nested scopes, each allocating 80 bytes: the first needs a
        // new slab, the rest fit after it.
        fn nest(s: &mut bumper::Scope<'_>, buf: &SlabBuffer<SLAB>, level: usize) {
            if level == 0 {
                return;
            }
            let (slab, offset) = (buf.stats().slab_index, buf.stats().slab_offset);
            s.no_escape(|t| {
                let a = t.alloc_filled([80], level as u8);
                assert_eq!(
                    buf.stats().slab_index,
                    1,
                    "80 bytes do not fit in 2: next slab"
                );
                nest(t, buf, level - 1);
                assert!(
                    a.iter().all(|&v| v == level as u8),
                    "inner scopes left the array intact"
                );
            });
            let st = buf.stats();
            assert_eq!(
                (st.slab_index, st.slab_offset),
                (slab, offset),
                "position back after the block"
            );
        }
        nest(s, &buf, 5);
        assert_eq!(buf.stats().slab_offset, SLAB - 2);
        assert_eq!(buf.stats().slabs, 2, "the second slab is kept as a spare");

        // 800,000 bytes: a custom slab; the position in the current slab is unchanged.
        s.no_escape(|t| {
            let big = t.alloc_ptr(800_000, 8);
            let st = buf.stats();
            assert_eq!(
                (st.slab_index, st.slab_offset, st.custom_slabs),
                (0, SLAB - 2, 1)
            );
            assert_eq!(st.used_bytes, SLAB - 2 + 800_000);
            // SAFETY: 800,000 bytes were just allocated at `big`.
            unsafe { big.as_ptr().write_bytes(7, 800_000) };
        });
        assert_eq!(buf.stats().custom_slabs, 0);
    });
    let st = buf.stats();
    assert_eq!(
        (
            st.used_bytes,
            st.slab_index,
            st.slab_offset,
            st.custom_slabs
        ),
        (0, 0, 0, 0)
    );
    assert_eq!(st.high_water_bytes, SLAB - 2 + 800_000);
}

#[test]
fn test_3_alloc_ptr() {
    let buf = SlabBuffer::<16384>::new();
    buf.no_escape(|s| {
        let first = s.alloc_ptr(10, 1);
        assert_eq!(buf.stats().slab_offset, 10);
        let p = s.alloc_ptr(10, 1);
        assert_eq!(
            p.as_ptr() as usize,
            first.as_ptr() as usize + 10,
            "returns the current position"
        );
        assert_eq!(buf.stats().slab_offset, 20, "and advances it by 10");
        let big = s.alloc_ptr(100_000, 1);
        let st = buf.stats();
        assert_eq!(
            (st.custom_slabs, st.slab_offset),
            (1, 20),
            "100,000 bytes: a custom slab"
        );
        let next = s.alloc_ptr(1, 1);
        assert_eq!(next.as_ptr() as usize, first.as_ptr() as usize + 20);
        assert_ne!(big, next);
    });
    assert_eq!(buf.used_bytes(), 0);
    assert_eq!(buf.stats().custom_slabs, 0);
}

#[test]
fn test_4_nested_alloc_buffer_100() {
    let buf = AllocBuffer::with_capacity(100);
    buf.no_escape(|s| {
        let x = s.alloc::<i64, 1>([3]);
        assert_eq!(
            x.as_ptr() as *const u8,
            buf.base_ptr(),
            "a fresh buffer's first array starts at its base"
        );
        s.no_escape(|t| {
            let y = t.alloc::<i64, 1>([3]);
            assert_eq!(y.as_ptr() as usize - x.as_ptr() as usize, 24);
            assert_eq!(buf.used_bytes(), 48);
        });
        assert_eq!(buf.used_bytes(), 24);
        s.no_escape(|t| {
            let y = t.alloc::<i64, 1>([3]);
            assert_eq!(
                y.as_ptr() as usize - x.as_ptr() as usize,
                24,
                "the same place again"
            );
        });
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn test_5_out_of_memory() {
    let buf = AllocBuffer::with_capacity(100);
    assert_eq!(
        buf.try_alloc::<u8, 1>([800_000]).unwrap_err(),
        AllocError::OutOfCapacity {
            requested: 800_000,
            available: 100
        }
    );
    let err = std::panic::catch_unwind(|| {
        buf.alloc::<u8, 1>([800_000]);
    })
    .unwrap_err();
    assert_eq!(
        err.downcast_ref::<String>().map(String::as_str),
        Some("buffer out of capacity: requested 800000 bytes, 100 bytes available")
    );
    // Unlike Bumper.jl, the failed request left the buffer as it was.
    assert_eq!(buf.used_bytes(), 0);
    assert_eq!(f_buf(&[1, 2, 3], &buf), 9);
}

#[test]
fn test_7_with_buffer() {
    // `with_default_buffer` lends the default buffer behind a handle (see
    // its docs), so identity shows in what it reports and where its memory
    // comes from: `buf` has one block of 1000 bytes, the thread's own buffer
    // slabs of 1 MiB.
    let buf = AllocBuffer::with_capacity(1000);
    let own_slab = bumper::with_default_buffer(|b| b.stats().slab_size);
    assert_eq!(own_slab, 1 << 20);
    bumper::with_buffer(&buf, || {
        let cur = bumper::with_default_buffer(|b| {
            let p = b.alloc_ptr(8, 8);
            (b.stats().slab_size, b.used_bytes(), p.as_ptr() as *const u8)
        });
        assert_eq!(
            cur,
            (1000, 8, buf.base_ptr()),
            "default_buffer() is buf: the first 8 bytes of it"
        );
        bumper::no_escape(|s| {
            let _a = s.alloc::<u8, 1>([10]);
            assert_eq!(buf.used_bytes(), 18);
        });
    });
    let after = bumper::with_default_buffer(|b| b.stats().slab_size);
    assert_eq!(after, own_slab, "the previous default is back");
    assert_eq!(buf.used_bytes(), 8);
}

#[test]
fn test_7_each_thread_has_its_own_default() {
    let threads = 4;
    let barrier = std::sync::Barrier::new(threads);
    // Bytes in use on each thread's default buffer while all four threads
    // hold a 128-byte array: a shared buffer would hold all four.
    let used: Vec<usize> = std::thread::scope(|t| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let barrier = &barrier;
                t.spawn(move || {
                    bumper::no_escape(|s| {
                        let a = s.alloc_filled([16], k as u64);
                        // All threads hold their arrays at the same time.
                        barrier.wait();
                        assert!(a.iter().all(|&v| v == k as u64));
                        bumper::with_default_buffer(|b| b.used_bytes())
                    })
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(used, [128; 4], "one default buffer per thread");
}

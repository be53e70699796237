#![cfg(feature = "allocator-api2")]
//! allocator-api2's `Allocator` on scopes and buffers: allocator-api2's
//! `Vec`/`Box` and hashbrown on bump memory; in-place grow, shrink and free
//! of the last block; zero-size layouts; alignment; slab changes; nested
//! scopes (an outer scope's request panics with the InnerScopeOpen message,
//! never an abort, and the scope and its collections stay usable);
//! the exact high-water mark.
//!
//! Miri-friendly: small sizes, and addresses are compared with `addr()`.

mod common;

use allocator_api2::alloc::{Allocator, Layout};
use allocator_api2::boxed::Box;
use allocator_api2::vec::Vec;
use bumper::{AllocBuffer, Buffer, Scope, SlabBuffer};
use common::panic_message;
use core::ptr::NonNull;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

/// Runs `f`, which must be refused: it panics with the message of
/// `AllocError::InnerScopeOpen` (an `Err` would make collections abort).
fn refused<R>(f: impl FnOnce() -> R) {
    let msg = panic_message(|| {
        f();
    });
    assert!(msg.starts_with("cannot allocate "), "{msg}");
    assert!(msg.contains("is open"), "{msg}");
}

/// Address of a block.
fn addr(p: NonNull<[u8]>) -> usize {
    p.cast::<u8>().as_ptr().addr()
}

#[test]
fn vec_push_extend_index_and_box() {
    let buf = SlabBuffer::<4096>::new();
    buf.no_escape(|s| {
        let mut v = Vec::new_in(&*s);
        for i in 0..10_i64 {
            v.push(i * i);
        }
        v.extend([100, 200]);
        v.extend_from_slice(&[-1, -2]);
        assert_eq!(v.len(), 14);
        assert_eq!((v[0], v[3], v[9], v[10], v[13]), (0, 9, 81, 100, -2));
        assert_eq!(v.iter().sum::<i64>(), 285 + 300 - 3);
        v.retain(|x| x % 2 == 0);
        assert_eq!(v, [0, 4, 16, 36, 64, 100, 200, -2]);
        assert_eq!(v.pop(), Some(-2));
        v.insert(1, 7);
        assert_eq!(v[..3], [0, 7, 4]);

        let b = Box::new_in([1_u16, 2, 3], &*s);
        assert_eq!(b.iter().sum::<u16>(), 6);
        assert!(buf.used_bytes() > 0);
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn vec_on_the_default_buffer_and_on_mut_scope() {
    let total = bumper::no_escape(|s| {
        // `&s` is `&&mut Scope`: the `&mut Scope` impl makes it an allocator.
        let mut v = Vec::new_in(&s);
        v.extend(1..=100_u64);
        let a = s.alloc_filled([3], 1_u64); // `s` is still usable
        v.extend(a.iter().copied());
        v.iter().sum::<u64>()
    });
    assert_eq!(total, 5053);
}

#[test]
fn grow_in_place_when_last() {
    let buf = AllocBuffer::with_capacity(4096);
    buf.no_escape(|s| {
        let mut v: Vec<u64, _> = Vec::with_capacity_in(4, &*s);
        v.extend([0, 1, 2, 3]);
        let p = v.as_ptr().addr();
        for i in 4..100 {
            v.push(i);
        }
        assert_eq!(v.capacity(), 128); // 4 -> 8 -> ... -> 128, all in place
        assert_eq!(v.as_ptr().addr(), p, "the last block grew in place");
        assert_eq!(s.used_bytes(), 128 * 8, "no copies left behind");
        assert!(v.iter().copied().eq(0..100));
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn grow_moves_and_keeps_contents_when_not_last() {
    let buf = AllocBuffer::with_capacity(4096);
    buf.no_escape(|s| {
        let mut v: Vec<u64, _> = Vec::with_capacity_in(4, &*s);
        v.extend([1, 2, 3, 4]);
        let p = v.as_ptr().addr();
        let other = s.alloc_filled([3], 7_u64); // now `v` is not the last block
        v.push(5);
        let q = v.as_ptr().addr();
        assert_ne!(q, p, "the block moved");
        assert_eq!(q, other.as_ptr().addr() + 24, "to the cursor");
        assert_eq!(v, [1, 2, 3, 4, 5]);
        assert_eq!(other.to_vec(), [7, 7, 7]);
        // The old block stays until the scope ends: 32 + 24 + 64 bytes.
        assert_eq!(s.used_bytes(), 120);
        // Now `v` is the last block again and grows in place.
        v.extend(6..=16);
        assert_eq!((v.as_ptr().addr(), v.capacity()), (q, 16));
        assert!(v.iter().copied().eq(1..=16));
        assert_eq!(s.used_bytes(), 32 + 24 + 128);
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn grow_zeroed_and_allocate_zeroed() {
    let buf = AllocBuffer::with_capacity(1024);
    buf.no_escape(|s| {
        let a: &Scope<'_> = s;
        let p = a.allocate_zeroed(layout(8, 8)).unwrap();
        assert_eq!(p.len(), 8);
        // SAFETY: `p` is a fresh block of 8 bytes, zeroed; we own it.
        unsafe {
            assert_eq!(p.as_ref(), [0; 8]);
            p.cast::<u8>().as_ptr().write_bytes(0xAB, 8);
        }
        // SAFETY: `p` is live and fits (8, 8); 32 >= 8.
        let g = unsafe { a.grow_zeroed(p.cast(), layout(8, 8), layout(32, 8)) }.unwrap();
        assert_eq!(
            (addr(g), g.len()),
            (addr(p), 32),
            "in place: it was the last block"
        );
        // SAFETY: `g` is the live block of 32 bytes.
        let bytes = unsafe { g.as_ref() };
        assert_eq!((&bytes[..8], &bytes[8..]), (&[0xAB; 8][..], &[0; 24][..]));

        let x = a.allocate(layout(8, 8)).unwrap(); // now `g` is not last
                                                   // SAFETY: `g` is live and fits (32, 8); 64 >= 32.
        let h = unsafe { a.grow_zeroed(g.cast(), layout(32, 8), layout(64, 8)) }.unwrap();
        assert_eq!(addr(h), addr(x) + 8, "moved to the cursor");
        // SAFETY: `h` is the live block of 64 bytes.
        let bytes = unsafe { h.as_ref() };
        assert_eq!(bytes[..8], [0xAB; 8]);
        assert!(bytes[8..].iter().all(|&b| b == 0));
        // SAFETY: both are live and fit their layouts; LIFO order frees both.
        unsafe {
            a.deallocate(h.cast(), layout(64, 8));
            a.deallocate(x.cast(), layout(8, 8));
        }
        assert_eq!(
            s.used_bytes(),
            32,
            "the old block `g` stays until the scope ends"
        );
    });
}

#[test]
fn shrink_in_place() {
    let buf = AllocBuffer::with_capacity(2048);
    buf.no_escape(|s| {
        // The last block: the tail comes back.
        let mut v: Vec<u32, _> = Vec::with_capacity_in(100, &*s);
        v.extend(0..10);
        let p = v.as_ptr().addr();
        assert_eq!(s.used_bytes(), 400);
        v.shrink_to_fit();
        assert_eq!((v.as_ptr().addr(), v.capacity()), (p, 10));
        assert_eq!(s.used_bytes(), 40);
        assert!(v.iter().copied().eq(0..10));

        // Not the last block: same pointer, smaller capacity, no memory back.
        let mut w: Vec<u32, _> = Vec::with_capacity_in(100, &*s);
        w.extend(0..20);
        let q = w.as_ptr().addr();
        let _after = s.alloc::<u8, 1>([8]);
        w.shrink_to(30);
        assert_eq!((w.as_ptr().addr(), w.capacity()), (q, 30));
        assert_eq!(s.used_bytes(), 40 + 400 + 8);
        assert!(w.iter().copied().eq(0..20));
    });
}

#[test]
fn shrink_to_a_stricter_alignment_moves_and_shrink_to_zero_frees() {
    let buf = AllocBuffer::with_capacity(1024);
    buf.no_escape(|s| {
        let a: &Scope<'_> = s;
        let one = a.allocate(layout(1, 1)).unwrap(); // the base is 64-aligned
        let p = a.allocate(layout(16, 1)).unwrap();
        assert_eq!(addr(p), addr(one) + 1, "an odd address");
        for i in 0..16 {
            // SAFETY: `p` is a live block of 16 bytes that we own.
            unsafe { p.cast::<u8>().as_ptr().add(i).write(i as u8) };
        }
        // SAFETY: `p` is live and fits (16, 1); 8 <= 16.
        let q = unsafe { a.shrink(p.cast(), layout(16, 1), layout(8, 8)) }.unwrap();
        assert_eq!(addr(q) % 8, 0);
        assert_ne!(addr(q), addr(p));
        // SAFETY: `q` is the live block of 8 bytes.
        assert_eq!(unsafe { q.as_ref() }, [0, 1, 2, 3, 4, 5, 6, 7]);
        let used = s.used_bytes();
        // SAFETY: `q` is live and fits (8, 8).
        let z = unsafe { a.shrink(q.cast(), layout(8, 8), layout(0, 8)) }.unwrap();
        assert_eq!((z.len(), addr(z) % 8), (0, 0));
        assert_eq!(s.used_bytes(), used - 8, "the last block was freed");
    });
}

#[test]
fn deallocating_the_last_block_gives_memory_back() {
    let buf = SlabBuffer::<4096>::new();
    buf.no_escape(|s| {
        let _base = s.alloc::<u8, 1>([3]);
        let v: Vec<u64, _> = Vec::with_capacity_in(10, &*s);
        assert_eq!(s.used_bytes(), 3 + 5 + 80, "padding to 8, then 80 bytes");
        drop(v);
        assert_eq!(
            s.used_bytes(),
            8,
            "the block and only the block (not the padding)"
        );
        let before = s.used_bytes();

        // Dropped in reverse order, every block comes back.
        let a: Vec<u32, _> = Vec::with_capacity_in(3, &*s);
        let b: Vec<u32, _> = Vec::with_capacity_in(5, &*s);
        let c: Vec<u32, _> = Vec::with_capacity_in(7, &*s);
        drop(c);
        drop(b);
        drop(a);
        assert_eq!(s.used_bytes(), before);

        // Not the last block: nothing happens until the scope ends.
        let a: Vec<u32, _> = Vec::with_capacity_in(4, &*s);
        let b: Vec<u32, _> = Vec::with_capacity_in(4, &*s);
        drop(a);
        assert_eq!(s.used_bytes(), before + 32);
        drop(b);
        assert_eq!(s.used_bytes(), before + 16, "`b` came back, `a` waits");
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn zero_size_types_and_zero_capacity() {
    #[derive(Clone, Copy, Debug, PartialEq)]
    #[repr(align(64))]
    struct Marker;

    let buf = SlabBuffer::<1024>::new(); // no slab yet
    buf.no_escape(|s| {
        let mut units = Vec::new_in(&*s);
        for _ in 0..1000 {
            units.push(());
        }
        assert_eq!(units.len(), 1000);
        let mut markers = Vec::new_in(&*s);
        markers.extend([Marker; 5]);
        assert_eq!(markers.as_ptr().addr() % 64, 0);
        assert_eq!(markers[4], Marker);
        let empty: Vec<u64, _> = Vec::new_in(&*s);
        let zero_cap: Vec<u64, _> = Vec::with_capacity_in(0, &*s);
        assert_eq!((empty.capacity(), zero_cap.capacity()), (0, 0));
        drop((units, markers, empty, zero_cap));
        assert_eq!(buf.stats().reserved_bytes, 0, "nothing touched the buffer");

        let a: &Scope<'_> = s;
        let z = a.allocate(layout(0, 4096)).unwrap();
        assert_eq!((z.len(), addr(z) % 4096), (0, 0));
        // SAFETY: `z` is a live zero-size block of layout (0, 4096).
        unsafe { a.deallocate(z.cast(), layout(0, 4096)) };
        let z = a.allocate(layout(0, 8)).unwrap();
        // SAFETY: `z` is live and fits (0, 8); growing from nothing allocates.
        let g = unsafe { a.grow(z.cast(), layout(0, 8), layout(24, 8)) }.unwrap();
        assert_eq!((g.len(), s.used_bytes()), (24, 24));
        // SAFETY: `g` is live and fits (24, 8).
        let z = unsafe { a.shrink(g.cast(), layout(24, 8), layout(0, 8)) }.unwrap();
        assert_eq!((z.len(), s.used_bytes()), (0, 0));
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn alignments_up_to_4096() {
    #[derive(Clone, Copy)]
    #[repr(C, align(4096))]
    struct Page {
        id: u64,
    }

    fn check<B: Buffer>(buf: &B) {
        buf.no_escape(|s| {
            let mut align = 1;
            while align <= 4096 {
                let p = (&*s).allocate(layout(align.min(32), align)).unwrap();
                assert_eq!(addr(p) % align, 0, "align {align}");
                align *= 2;
            }
        });
        buf.no_escape(|s| {
            let _odd = s.alloc::<u8, 1>([1]);
            let mut pages = Vec::new_in(&*s);
            for id in 0..3 {
                pages.push(Page { id });
            }
            for (i, page) in pages.iter().enumerate() {
                assert_eq!((page as *const Page).addr() % 4096, 0);
                assert_eq!(page.id, i as u64);
            }
        });
        assert_eq!(buf.used_bytes(), 0);
    }
    check(&SlabBuffer::<65536>::new());
    check(&AllocBuffer::with_capacity(32768));
}

#[test]
fn vec_grows_past_a_slab_boundary() {
    let buf = SlabBuffer::<256>::new();
    buf.no_escape(|s| {
        let pad = s.alloc_filled([200], 1_u8);
        let mut v = Vec::new_in(&*s);
        for i in 0..1000_u32 {
            v.push(i);
        }
        assert!(v.iter().copied().eq(0..1000));
        let st = buf.stats();
        assert_eq!(st.slab_index, 1, "a new regular slab was opened");
        assert!(st.custom_slabs >= 1, "large capacities got custom slabs");
        assert_eq!(pad.to_vec(), [1; 200]);
    });
    let st = buf.stats();
    assert_eq!((st.used_bytes, st.slab_index, st.custom_slabs), (0, 0, 0));
    assert_eq!(
        buf.no_escape(|s| s.alloc_filled([4], 2_u32).iter().sum::<u32>()),
        8
    );
}

#[test]
fn hashbrown_map_with_1000_entries() {
    let buf = SlabBuffer::<65536>::new();
    buf.no_escape(|s| {
        let mut m = hashbrown::HashMap::new_in(&*s);
        for i in 0..1000_u64 {
            assert_eq!(m.insert(i, i * i), None);
        }
        assert_eq!(m.len(), 1000);
        for i in 0..1000 {
            assert_eq!(m.get(&i), Some(&(i * i)));
        }
        assert_eq!(m.get(&1000), None);
        for i in (0..1000).step_by(2) {
            assert_eq!(m.remove(&i), Some(i * i));
        }
        assert_eq!(m.len(), 500);
        assert_eq!(
            m.values().sum::<u64>(),
            (0..1000).filter(|i| i % 2 == 1).map(|i| i * i).sum::<u64>()
        );

        let mut set = hashbrown::HashSet::new_in(&*s);
        set.extend(m.keys().map(|k| k % 7));
        assert_eq!(set.len(), 7);
        assert!(buf.used_bytes() > 16 * 1000);
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn outer_scope_is_refused_while_an_inner_scope_is_open() {
    let buf = SlabBuffer::<4096>::new();
    bumper::with_buffer(&buf, || {
        bumper::no_escape(|s| {
            let outer: &Scope<'_> = s;
            let mut v: Vec<u32, _> = Vec::with_capacity_in(4, outer);
            v.extend([1, 2, 3, 4]);
            let block = outer.allocate(layout(16, 8)).unwrap(); // the last block
            let used = buf.used_bytes();
            bumper::no_escape(|inner| {
                assert_eq!((outer.depth(), inner.depth()), (1, 2));
                refused(|| outer.allocate(layout(8, 8)));
                refused(|| outer.allocate_zeroed(layout(8, 8)));
                refused(|| v.try_reserve(1));
                refused(|| v.push(5));
                assert_eq!(v, [1, 2, 3, 4], "a refused push changes nothing");
                refused(|| (&buf).allocate(layout(8, 8))); // nor may the buffer
                                                           // SAFETY: `block` is live and fits (16, 8). Growing is
                                                           // refused: `outer` may not move the cursor, nor allocate.
                refused(|| unsafe { outer.grow(block.cast(), layout(16, 8), layout(32, 8)) });
                // SAFETY: as above; shrinking in place keeps the pointer.
                let small = unsafe { outer.shrink(block.cast(), layout(16, 8), layout(8, 8)) };
                let small = small.unwrap();
                assert_eq!((addr(small), small.len()), (addr(block), 8));
                // SAFETY: `small` is live and fits (8, 8). A no-op here.
                unsafe { outer.deallocate(small.cast(), layout(8, 8)) };
                assert_eq!(buf.used_bytes(), used);
                // The inner scope allocates after the outer block: it is
                // still there.
                let x = inner.alloc_filled([2], 9_u64);
                assert_eq!(x.as_ptr().addr(), addr(block) + 16);
                v[0] = 10; // the outer Vec stays readable and writable
            });
            assert_eq!(buf.used_bytes(), used);
            v.push(5); // allowed again; it is not the last block, so it moves
            assert_eq!(v, [10, 2, 3, 4, 5]);
            drop(v); // the last block now
            assert_eq!(buf.used_bytes(), used);
        });
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn generation_changes_inside_scopes() {
    let buf = SlabBuffer::<256>::new();
    let base = buf.no_escape(|s| s.alloc_ptr(1, 1).as_ptr().addr());
    buf.no_escape(|s| {
        let a = (&*s).allocate(layout(100, 8)).unwrap(); // slab 0
        let _big = s.alloc::<u8, 1>([200]); // slab 1 (gen changes)
        let b = (&*s).allocate(layout(40, 8)).unwrap(); // slab 1, last
        let used = buf.used_bytes();
        // SAFETY: `a` is live and fits; it is not in the current slab: no-op.
        unsafe { (&*s).deallocate(a.cast(), layout(100, 8)) };
        assert_eq!(buf.used_bytes(), used);
        // SAFETY: `b` is live and fits; the last block of the current slab.
        unsafe { (&*s).deallocate(b.cast(), layout(40, 8)) };
        assert_eq!(buf.used_bytes(), used - 40);
        let c = (&*s).allocate(layout(40, 8)).unwrap();
        assert_eq!(addr(c), addr(b), "the freed bytes are reused");
        assert_eq!(buf.stats().slab_index, 1);
    });
    let st = buf.stats();
    assert_eq!((st.used_bytes, st.slab_index), (0, 0));
    assert_eq!(buf.no_escape(|s| s.alloc_ptr(1, 1).as_ptr().addr()), base);

    // An inner scope's slow-path exit puts the outer scope's generation back,
    // and the outer Vec can grow in place again.
    bumper::with_buffer(&buf, || {
        bumper::no_escape(|s| {
            let mut v: Vec<u64, _> = Vec::with_capacity_in(8, &*s);
            v.extend(0..8);
            let p = v.as_ptr().addr();
            bumper::no_escape(|t| {
                let _x = t.alloc::<u8, 1>([250]); // a new slab
                let _y = t.alloc::<u8, 1>([1000]); // a custom slab
            });
            assert_eq!(buf.stats().slab_index, 0);
            assert_eq!(buf.used_bytes(), 64);
            for i in 8..32 {
                v.push(i); // 8 -> 16 -> 32 elements: 256 bytes, all of slab 0
            }
            assert_eq!((v.as_ptr().addr(), v.capacity()), (p, 32), "grew in place");
            assert!(v.iter().copied().eq(0..32));
            drop(v);
            assert_eq!(buf.used_bytes(), 0);
        });
    });
}

#[test]
fn high_water_mark_stays_exact() {
    let buf = AllocBuffer::with_capacity(1024);
    buf.no_escape(|s| {
        let v: Vec<u8, _> = Vec::with_capacity_in(300, &*s);
        drop(v); // the cursor goes back to 0, from 300
        let w: Vec<u8, _> = Vec::with_capacity_in(100, &*s);
        assert_eq!(s.used_bytes(), 100);
        assert_eq!(buf.stats().high_water_bytes, 300);
        drop(w);
    });
    let st = buf.stats();
    assert_eq!((st.used_bytes, st.high_water_bytes), (0, 300));

    // Grown in place to 500, then shrunk: the peak is 500.
    buf.no_escape(|s| {
        let mut v: Vec<u8, _> = Vec::with_capacity_in(10, &*s);
        v.reserve_exact(500);
        assert_eq!(s.used_bytes(), 500);
        v.extend([1; 20]);
        v.shrink_to_fit();
        assert_eq!(s.used_bytes(), 20);
    });
    assert_eq!(buf.stats().high_water_bytes, 500);

    // The same on a slab buffer, and across a slab change after the free.
    let buf = SlabBuffer::<256>::new();
    buf.no_escape(|s| {
        let v: Vec<u8, _> = Vec::with_capacity_in(240, &*s);
        drop(v);
    });
    assert_eq!(buf.stats().high_water_bytes, 240);
    buf.no_escape(|s| {
        let v: Vec<u8, _> = Vec::with_capacity_in(250, &*s);
        drop(v);
        let _a = s.alloc::<u8, 1>([2]);
        let _b = s.alloc::<u8, 1>([255]); // slab 1: folds slab 0's peak in
        assert_eq!(buf.used_bytes(), 257);
    });
    assert_eq!(buf.stats().high_water_bytes, 257);
}

#[test]
fn buffers_as_allocators() {
    let mut buf = SlabBuffer::<1024>::new();
    {
        let mut v = Vec::new_in(&buf);
        v.extend(0..50_u32);
        let arr = buf.alloc_filled([4], 1_u8); // after `v`
        buf.no_escape(|s| {
            refused(|| (&buf).allocate(layout(8, 8)));
            refused(|| v.try_reserve(1000));
            assert_eq!(v.len(), 50);
            let mut w = Vec::new_in(&*s);
            w.extend(v.iter().copied());
            assert_eq!(w.len(), 50);
        });
        v.extend(50..100); // moves: not the last block
        assert!(v.iter().copied().eq(0..100));
        assert_eq!(arr.to_vec(), [1; 4]);
    }
    buf.reset();
    assert_eq!(buf.used_bytes(), 0);

    // Freeing the last block at depth 0 moves the cursor under a
    // checkpoint taken after it: restoring that checkpoint panics (it is
    // "newer than the present state") rather than resurrecting memory.
    let v: Vec<u8, _> = Vec::with_capacity_in(100, &buf);
    let cp = buf.checkpoint();
    drop(v);
    assert_eq!(buf.used_bytes(), 0);
    let msg = panic_message(|| buf.restore(cp));
    assert!(msg.contains("newer"), "{msg}");

    let fixed = AllocBuffer::with_capacity(64);
    let mut v: Vec<u16, _> = Vec::with_capacity_in(4, &fixed);
    v.extend([1, 2, 3, 4]);
    v.push(5); // in place, to 16 bytes
    assert_eq!(fixed.used_bytes(), 16);
    assert!(v.try_reserve_exact(100).is_err(), "the buffer is full");
    assert_eq!(v, [1, 2, 3, 4, 5]);
    drop(v);
    assert_eq!(fixed.used_bytes(), 0);

    let product = bumper::with_default_buffer(|b| {
        let mut v = Vec::new_in(b);
        v.extend(1..=5_u64);
        v.iter().product::<u64>()
    });
    assert_eq!(product, 120);
}

/// Several Vecs growing, shrinking and dropping in interleaved order on a
/// small slab buffer, against std Vecs: any overlap of live blocks would
/// show as wrong contents.
#[test]
fn interleaved_vecs_match_a_std_model() {
    let steps = if cfg!(miri) { 300 } else { 5000 };
    let buf = SlabBuffer::<512>::new();
    buf.no_escape(|s| {
        let mut ours: std::vec::Vec<Vec<u32, &Scope<'_>>> =
            (0..4).map(|_| Vec::new_in(&*s)).collect();
        let mut model: std::vec::Vec<std::vec::Vec<u32>> = vec![std::vec::Vec::new(); 4];
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        for step in 0..steps {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let k = (x % 4) as usize;
            let val = step as u32;
            match (x >> 8) % 8 {
                0..=2 => {
                    ours[k].push(val);
                    model[k].push(val);
                }
                3 => {
                    let n = (x >> 16) as usize % 40;
                    ours[k].extend((0..n as u32).map(|i| val ^ i));
                    model[k].extend((0..n as u32).map(|i| val ^ i));
                }
                4 => {
                    assert_eq!(ours[k].pop(), model[k].pop());
                }
                5 => {
                    let n = model[k].len() / 2;
                    ours[k].truncate(n);
                    model[k].truncate(n);
                    ours[k].shrink_to_fit();
                }
                6 => {
                    ours[k] = Vec::new_in(&*s);
                    model[k].clear();
                }
                _ => {
                    let extra = (x >> 20) as usize % 64;
                    ours[k].reserve(extra);
                }
            }
            for (o, m) in ours.iter().zip(&model) {
                assert_eq!(o[..], m[..], "step {step}");
            }
        }
    });
    assert_eq!(buf.used_bytes(), 0);
}

//! Deep, irregular nesting of scopes on small slabs: arrays of every level
//! keep their values while deeper scopes open slabs and custom slabs and
//! close again, and every scope gives back exactly what it took.
//!
//! The sequence comes from a fixed-seed generator, so a failure reproduces.

use bumper::{AllocBuffer, Buffer, PtrArray, Scope, SlabBuffer};

/// A small deterministic generator (64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// Opens up to `depth` nested scopes; in each, allocates a few arrays of
/// random sizes (up to 3x the slab, so some need custom slabs), fills them
/// with a level-specific pattern, recurses, then checks the pattern.
fn recurse(s: &mut Scope<'_>, used: &dyn Fn() -> usize, rng: &mut Lcg, depth: u32, tag: u32) {
    if depth == 0 {
        return;
    }
    let mut arrays: Vec<PtrArray<'_, u32, 1>> = Vec::new();
    for k in 0..rng.next(4) as u32 {
        let len = rng.next(200) as usize;
        let value = tag * 1000 + k;
        arrays.push(s.alloc_filled([len], value));
    }
    let children = rng.next(3);
    for c in 0..children as u32 {
        let before = used();
        s.no_escape(|t| recurse(t, used, rng, depth - 1, tag * 4 + c + 1));
        assert_eq!(
            used(),
            before,
            "a nested scope gave back exactly what it took"
        );
    }
    for (k, a) in arrays.iter().enumerate() {
        let value = tag * 1000 + k as u32;
        assert!(
            a.iter().all(|&v| v == value),
            "array {k} of scope {tag} was overwritten"
        );
    }
}

fn run_on(buf: &impl Buffer, seed: u64, rounds: usize) {
    let mut rng = Lcg(seed);
    for _ in 0..rounds {
        buf.no_escape(|s| recurse(s, &|| buf.used_bytes(), &mut rng, 5, 0));
        assert_eq!(buf.used_bytes(), 0);
        assert_eq!(buf.stats().open_scopes, 0);
    }
}

#[test]
fn irregular_nesting_on_small_slabs() {
    let rounds = if cfg!(miri) { 3 } else { 200 };
    let buf = SlabBuffer::<256>::new();
    run_on(&buf, 1, rounds);
    let st = buf.stats();
    assert_eq!(
        st.custom_slabs, 0,
        "custom slabs are freed with their scopes"
    );
    assert!(
        st.slabs <= 2,
        "only the first slab and one spare remain, got {}",
        st.slabs
    );
    assert!(
        st.high_water_bytes > 256,
        "the run needed more than one slab"
    );
}

#[test]
fn irregular_nesting_through_the_default_buffer() {
    let rounds = if cfg!(miri) { 3 } else { 100 };
    let buf = SlabBuffer::<512>::new();
    bumper::with_buffer(&buf, || {
        let mut rng = Lcg(7);
        for _ in 0..rounds {
            bumper::no_escape(|s| recurse(s, &|| buf.used_bytes(), &mut rng, 4, 0));
        }
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn irregular_nesting_on_a_fixed_buffer() {
    let rounds = if cfg!(miri) { 3 } else { 200 };
    // Big enough for the deepest path: 5 levels x 3 arrays x 199 u32.
    let buf = AllocBuffer::with_capacity(5 * 3 * 200 * 4);
    run_on(&buf, 3, rounds);
    assert!(buf.stats().high_water_bytes > 0);
}

#[test]
fn nested_with_buffer_restores_each_previous_default() {
    let a = AllocBuffer::with_capacity(256);
    let b = SlabBuffer::<1024>::new();
    // Which buffer is the default, told by its slab size (256, 1024, and
    // 1 MiB for the thread's own): `with_default_buffer` lends it behind a
    // handle, whose address is not the buffer's.
    let which = || bumper::with_default_buffer(|d| d.stats().slab_size);
    let own = which();
    assert_eq!(own, 1 << 20);
    bumper::with_buffer(&a, || {
        assert_eq!(which(), 256);
        bumper::with_buffer(&b, || {
            assert_eq!(which(), 1024);
            bumper::no_escape(|s| {
                let _x = s.alloc::<u8, 1>([10]);
                assert_eq!((a.used_bytes(), b.used_bytes()), (0, 10));
            });
        });
        assert_eq!(which(), 256);
        bumper::no_escape(|s| {
            let _x = s.alloc::<u8, 1>([20]);
            assert_eq!((a.used_bytes(), b.used_bytes()), (20, 0));
        });
    });
    assert_eq!(which(), own);
}

#[test]
fn high_water_mark_is_exact() {
    let buf = AllocBuffer::with_capacity(4096);
    buf.no_escape(|s| {
        let _a = s.alloc::<u8, 1>([100]);
        s.no_escape(|t| {
            let _b = t.alloc::<u8, 1>([300]);
        });
        s.no_escape(|t| {
            let _c = t.alloc::<u8, 1>([50]);
        });
    });
    assert_eq!(buf.stats().high_water_bytes, 400);

    let slab = SlabBuffer::<256>::new();
    slab.no_escape(|s| {
        let _a = s.alloc::<u8, 1>([200]);
        s.no_escape(|t| {
            let _b = t.alloc::<u8, 1>([40]); // same slab: 240
        });
        s.no_escape(|t| {
            let _c = t.alloc::<u8, 1>([100]); // next slab: 200 + 100
        });
    });
    assert_eq!(slab.stats().high_water_bytes, 300);
}

//! The bump state shared by every buffer: the current chunk and the cursor in it.
//!
//! Both buffer kinds keep one [`Bump`]; the allocation fast path (align the
//! cursor, compare with the chunk end, advance) and the scope checkpoint
//! fast path (save the cursor, put it back) run on it without knowing which
//! buffer it belongs to. Anything else (a new slab, a custom slab, the end of
//! a fixed buffer) goes to the buffer's out-of-line slow path.

use core::cell::Cell;
use core::ptr::{self, NonNull};
use core::sync::atomic::{AtomicU64, Ordering};

use super::Checkpoint;

/// Address used for the cursor before a buffer owns any memory. Non-null, so
/// a zero-byte request served from it is a valid dangling pointer.
const EMPTY_ADDR: usize = 1;

/// Source of buffer identities for [`Checkpoint`]s. 0 means "not assigned".
static NEXT_BUFFER_ID: AtomicU64 = AtomicU64::new(1);

/// The bump state. Fields are `Cell`s: buffers allocate through `&self`.
///
/// Invariant: `start <= ptr <= end`, all three in (or one past) the same
/// chunk, which the owning buffer keeps alive; or all three equal to the
/// provenance-free [`EMPTY_ADDR`] before the buffer has memory.
pub struct Bump {
    /// Next free byte of the current chunk.
    ptr: Cell<*mut u8>,
    /// First byte of the current chunk.
    start: Cell<*mut u8>,
    /// One past the last byte of the current chunk.
    end: Cell<*mut u8>,
    /// Index of the current chunk (slab) in the owning buffer.
    pub(crate) chunk: Cell<usize>,
    /// Number of custom (oversized) slabs live.
    pub(crate) custom: Cell<usize>,
    /// Bytes in use outside the current chunk: earlier slabs and custom slabs.
    pub(crate) used_before: Cell<usize>,
    /// Highest `used_bytes` seen at a restore, reset or stats call.
    high_water: Cell<usize>,
    /// Number of scopes open on the buffer.
    pub(crate) depth: Cell<usize>,
    /// Identity for checkpoints, assigned on first use.
    id: Cell<u64>,
}

/// A dangling, non-null pointer aligned to `align` (a power of two), for
/// zero-byte requests that the current chunk cannot align.
#[inline]
pub(crate) fn dangling(align: usize) -> NonNull<u8> {
    // SAFETY: `align` is a power of two, hence non-zero.
    unsafe { NonNull::new_unchecked(ptr::without_provenance_mut(align)) }
}

impl Bump {
    /// The state of a buffer that owns no memory yet.
    pub(crate) const fn empty() -> Self {
        let p = ptr::without_provenance_mut(EMPTY_ADDR);
        Bump {
            ptr: Cell::new(p),
            start: Cell::new(p),
            end: Cell::new(p),
            chunk: Cell::new(0),
            custom: Cell::new(0),
            used_before: Cell::new(0),
            high_water: Cell::new(0),
            depth: Cell::new(0),
            id: Cell::new(0),
        }
    }

    /// Makes `[start, start + len)` the current chunk with the cursor at
    /// `start + offset`.
    ///
    /// The caller keeps that memory alive (and owned by this buffer) for as
    /// long as it is the current chunk; `offset <= len`.
    pub(crate) fn set_chunk(&self, start: *mut u8, len: usize, offset: usize) {
        debug_assert!(offset <= len);
        self.start.set(start);
        self.end.set(start.wrapping_add(len));
        self.ptr.set(start.wrapping_add(offset));
    }

    /// Forgets the current chunk (the buffer owns no slab any more).
    pub(crate) fn clear_chunk(&self) {
        let p = ptr::without_provenance_mut(EMPTY_ADDR);
        self.set_chunk(p, 0, 0);
    }

    /// Bytes used in the current chunk.
    #[inline]
    pub(crate) fn offset(&self) -> usize {
        self.ptr.get().addr() - self.start.get().addr()
    }

    /// Bytes left in the current chunk after the padding `align` needs.
    pub(crate) fn available(&self, align: usize) -> usize {
        let addr = self.ptr.get().addr();
        let pad = addr.wrapping_neg() & (align - 1);
        (self.end.get().addr() - addr).saturating_sub(pad)
    }

    /// Bytes in use: earlier slabs, custom slabs and the current chunk.
    #[inline]
    pub(crate) fn used_bytes(&self) -> usize {
        self.used_before.get() + self.offset()
    }

    /// Highest `used_bytes` so far. Memory is only released by restores and
    /// resets, which record the level they leave, so this is exact.
    pub(crate) fn high_water(&self) -> usize {
        self.note_high_water();
        self.high_water.get()
    }

    #[inline]
    fn note_high_water(&self) {
        let used = self.used_bytes();
        if used > self.high_water.get() {
            self.high_water.set(used);
        }
    }

    /// The fast path: `size` bytes aligned to `align` (a power of two) from
    /// the current chunk, or `None` if they do not fit.
    #[inline(always)]
    pub(crate) fn try_bump(&self, size: usize, align: usize) -> Option<NonNull<u8>> {
        debug_assert!(align.is_power_of_two());
        let ptr = self.ptr.get();
        let addr = ptr.addr();
        let pad = addr.wrapping_neg() & (align - 1);
        let remaining = self.end.get().addr() - addr;
        if pad <= remaining && size <= remaining - pad {
            let p = ptr.wrapping_add(pad);
            self.ptr.set(p.wrapping_add(size));
            // SAFETY: `p` lies in `[ptr, end]`; `ptr` is either inside a live
            // chunk (non-null) or the non-null EMPTY_ADDR, and `pad + size <=
            // end - ptr` so no wrap-around to null happened.
            Some(unsafe { NonNull::new_unchecked(p) })
        } else {
            None
        }
    }

    /// The identity of the owning buffer, assigned on first use.
    pub(crate) fn id(&self) -> u64 {
        match self.id.get() {
            0 => {
                let id = NEXT_BUFFER_ID.fetch_add(1, Ordering::Relaxed);
                self.id.set(id);
                id
            }
            id => id,
        }
    }

    /// The present state, as a checkpoint carrying `buffer` as identity
    /// (0 for the scopes' internal marks, which need none).
    #[inline]
    pub(crate) fn mark(&self, buffer: u64) -> Checkpoint {
        Checkpoint {
            buffer,
            chunk: self.chunk.get(),
            offset: self.offset(),
            custom: self.custom.get(),
            used_before: self.used_before.get(),
        }
    }

    /// Restores `cp` if it lies in the current chunk and no custom slab was
    /// added since; returns false (changing nothing) otherwise, when the
    /// buffer's slow path must release memory.
    ///
    /// The caller guarantees no allocation made after `cp` is still in use.
    #[inline]
    pub(crate) fn restore_fast(&self, cp: &Checkpoint) -> bool {
        if cp.chunk == self.chunk.get() && cp.custom == self.custom.get() {
            self.note_high_water();
            self.ptr.set(self.start.get().wrapping_add(cp.offset));
            true
        } else {
            false
        }
    }

    /// Records the high-water mark before the slow path releases memory.
    pub(crate) fn before_release(&self) {
        self.note_high_water();
    }

    /// Panics unless `cp` was taken from this buffer and is not newer than
    /// its present state.
    pub(crate) fn validate(&self, cp: &Checkpoint) {
        let id = self.id();
        assert!(
            cp.buffer == id,
            "restore: the checkpoint belongs to another buffer (checkpoint of buffer #{}, this is buffer #{id})",
            cp.buffer
        );
        let (chunk, offset, custom) = (self.chunk.get(), self.offset(), self.custom.get());
        let newer = cp.custom > custom || cp.chunk > chunk || (cp.chunk == chunk && cp.offset > offset);
        assert!(
            !newer,
            "restore: the checkpoint is newer than the buffer's present state \
             (checkpoint at slab {}, offset {}, {} custom slabs; buffer at slab {chunk}, offset {offset}, \
             {custom} custom slabs)",
            cp.chunk, cp.offset, cp.custom
        );
    }
}

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
///
/// The fields the fast paths touch come first: `ptr`, `end`, `gen`, `depth`.
pub struct Bump {
    /// Next free byte of the current chunk.
    ptr: Cell<*mut u8>,
    /// One past the last byte of the current chunk.
    end: Cell<*mut u8>,
    /// Generation: bumped by every slow-path event (a new slab, a custom
    /// slab). A scope whose generation is unchanged at exit restores by
    /// resetting `ptr` alone.
    pub(crate) gen: Cell<usize>,
    /// Number of scopes open on the buffer.
    pub(crate) depth: Cell<usize>,
    /// First byte of the current chunk.
    start: Cell<*mut u8>,
    /// Index of the current chunk (slab) in the owning buffer.
    pub(crate) chunk: Cell<usize>,
    /// Number of custom (oversized) slabs live.
    pub(crate) custom: Cell<usize>,
    /// Bytes in use outside the current chunk: earlier slabs and custom slabs.
    pub(crate) used_before: Cell<usize>,
    /// Highest cursor position in the current chunk not yet folded into
    /// `high_water` (scopes ending on the fast path raise it).
    peak: Cell<*mut u8>,
    /// Highest `used_bytes` recorded (see [`Bump::note_high_water`]).
    high_water: Cell<usize>,
    /// Identity for checkpoints, assigned on first use.
    id: Cell<u64>,
}

/// What a scope saves on entry: the cursor and the generation. Restoring it
/// is one store when no slow-path event happened inside the scope.
#[derive(Clone, Copy)]
pub struct ScopeMark {
    pub(crate) ptr: *mut u8,
    pub(crate) gen: usize,
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
            end: Cell::new(p),
            gen: Cell::new(0),
            depth: Cell::new(0),
            start: Cell::new(p),
            chunk: Cell::new(0),
            custom: Cell::new(0),
            used_before: Cell::new(0),
            peak: Cell::new(p),
            high_water: Cell::new(0),
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
        self.set_chunk_at(start, len, start.wrapping_add(offset));
    }

    /// Makes the current chunk `[start, start + len)` with the cursor at
    /// `ptr`, a pointer saved from this chunk earlier (it keeps its
    /// provenance). Same requirements as [`set_chunk`](Bump::set_chunk).
    pub(crate) fn set_chunk_at(&self, start: *mut u8, len: usize, ptr: *mut u8) {
        debug_assert!(start.addr() <= ptr.addr() && ptr.addr() <= start.addr() + len);
        self.start.set(start);
        self.end.set(start.wrapping_add(len));
        self.ptr.set(ptr);
        self.peak.set(ptr);
    }

    /// Forgets the current chunk: the buffer allocates from none (it may
    /// still hold slabs, as spares).
    pub(crate) fn clear_chunk(&self) {
        let p = ptr::without_provenance_mut(EMPTY_ADDR);
        self.set_chunk(p, 0, 0);
    }

    /// Whether `p` (a saved cursor) points into memory, rather than being
    /// the placeholder of a buffer that had none yet.
    pub(crate) fn points_into_memory(p: *mut u8) -> bool {
        p.addr() != EMPTY_ADDR
    }

    /// Whether there is a current chunk (false before the first slab, and
    /// after a scope opened before it has ended).
    pub(crate) fn has_chunk(&self) -> bool {
        Self::points_into_memory(self.start.get())
    }

    /// Starts a slow-path event: records the high-water mark and moves to
    /// a new generation, returning the old one.
    pub(crate) fn next_gen(&self) -> usize {
        self.note_high_water();
        let gen = self.gen.get();
        self.gen.set(gen.wrapping_add(1));
        gen
    }

    /// Marks the high-water level of the current chunk as folded in, after
    /// [`note_high_water`](Bump::note_high_water): for a change of
    /// `used_before` that keeps the chunk (a custom slab), after which a
    /// peak recorded in the chunk would otherwise count on top of the new
    /// `used_before`.
    pub(crate) fn reset_peak(&self) {
        self.peak.set(self.ptr.get());
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

    /// Highest `used_bytes` recorded, the present level included.
    pub(crate) fn high_water(&self) -> usize {
        self.note_high_water();
        self.high_water.get()
    }

    /// Folds the highest level reached in the current chunk into the
    /// high-water mark. Called before every change of chunk or of
    /// `used_before` (slow-path events, restores, resets) and by `stats`, so
    /// with [`restore_scope_fast`](Bump::restore_scope_fast) raising `peak`
    /// the mark is exact.
    pub(crate) fn note_high_water(&self) {
        let top = self.peak.get().addr().max(self.ptr.get().addr());
        let used = self.used_before.get() + (top - self.start.get().addr());
        if used > self.high_water.get() {
            self.high_water.set(used);
        }
    }

    /// The fast path: `size` bytes aligned to `align` (a power of two) from
    /// the current chunk, or `None` if they do not fit. Zero-size requests
    /// also get `None`: the slow path answers them with a dangling pointer
    /// (the crate's one rule for them, see [`Scope::try_alloc_ptr`]).
    ///
    /// [`Scope::try_alloc_ptr`]: crate::Scope::try_alloc_ptr
    #[inline(always)]
    pub(crate) fn try_bump(&self, size: usize, align: usize) -> Option<NonNull<u8>> {
        debug_assert!(align.is_power_of_two());
        // One compare (that constant sizes fold away) refuses both size 0
        // (which wraps to usize::MAX) and sizes above isize::MAX, which no
        // chunk can hold; the latter keeps `pad + size` from overflowing:
        // `pad < align <= 2^(usize::BITS - 1)`.
        if size.wrapping_sub(1) >= isize::MAX as usize {
            return None;
        }
        let ptr = self.ptr.get();
        let addr = ptr.addr();
        let pad = addr.wrapping_neg() & (align - 1);
        let need = pad + size;
        if need <= self.end.get().addr() - addr {
            self.ptr.set(ptr.wrapping_add(need));
            // SAFETY: `ptr + pad` lies in `[ptr, end]`; `ptr` is either
            // inside a live chunk (non-null) or the non-null EMPTY_ADDR, and
            // `pad + size <= end - ptr`, so no wrap-around to null happened.
            Some(unsafe { NonNull::new_unchecked(ptr.wrapping_add(pad)) })
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

    /// The present state, as a public checkpoint; `stamp` is the buffer's
    /// [`stamp_of`](super::sealed::Sealed::stamp_of) the present state.
    pub(crate) fn checkpoint(&self, stamp: u64) -> Checkpoint {
        Checkpoint {
            buffer: self.id(),
            chunk: self.chunk.get(),
            offset: self.offset(),
            custom: self.custom.get(),
            used_before: self.used_before.get(),
            stamp,
        }
    }

    /// What a scope saves when it opens.
    #[inline(always)]
    pub(crate) fn scope_mark(&self) -> ScopeMark {
        ScopeMark {
            ptr: self.ptr.get(),
            gen: self.gen.get(),
        }
    }

    /// Restores `mark` if no slow-path event happened since it was taken
    /// (then the cursor is in the same chunk); returns false, changing
    /// nothing, otherwise: the buffer's slow path must release memory.
    ///
    /// The caller guarantees no allocation made after `mark` is still in use.
    #[inline(always)]
    pub(crate) fn restore_scope_fast(&self, mark: &ScopeMark) -> bool {
        if self.gen.get() == mark.gen {
            let top = self.ptr.get();
            if top.addr() > self.peak.get().addr() {
                self.peak.set(top);
            }
            self.ptr.set(mark.ptr);
            true
        } else {
            false
        }
    }

    /// Panics unless `cp` was taken from this buffer and is not newer than
    /// its present state.
    #[track_caller]
    pub(crate) fn validate(&self, cp: &Checkpoint) {
        let id = self.id();
        assert!(
            cp.buffer == id,
            "restore: the checkpoint belongs to another buffer (checkpoint of buffer #{}, this is buffer #{id})",
            cp.buffer
        );
        let (chunk, offset, custom) = (self.chunk.get(), self.offset(), self.custom.get());
        let newer =
            cp.custom > custom || cp.chunk > chunk || (cp.chunk == chunk && cp.offset > offset);
        assert!(
            !newer,
            "restore: the checkpoint is newer than the buffer's present state \
             (checkpoint at slab {}, offset {}, {} custom slabs; buffer at slab {chunk}, offset {offset}, \
             {custom} custom slabs)",
            cp.chunk, cp.offset, cp.custom
        );
    }

    /// Resizes the last block of the current chunk in place: if
    /// `[ptr, ptr + old)` (with `old > 0`) ends at the cursor and starts in
    /// the current chunk, and `ptr + new` still lies in the chunk, moves the
    /// cursor to `ptr + new` and returns the block's start (with the chunk's
    /// provenance). Otherwise changes nothing and returns `None`. `new == 0`
    /// frees the block. Used by the allocator-api2 `Allocator` impls.
    ///
    /// "Starts in the current chunk" matters: a block at the very end of an
    /// earlier slab or of a custom slab may end at the address where the
    /// current chunk (and its cursor) begins. With `old <= offset` the block
    /// lies in `[start, cursor)`, so it is the current chunk's last block.
    ///
    /// # Safety
    /// `[ptr, ptr + old)` is a block this buffer handed out, still allocated,
    /// that belongs to the innermost open scope on the buffer and was
    /// allocated by it (or to the buffer itself, allocated while no scope was
    /// open, if none is open now). If `new < old`, its bytes from `ptr + new`
    /// on are no longer in use.
    #[cfg(feature = "allocator-api2")]
    pub(crate) unsafe fn resize_last(
        &self,
        ptr: NonNull<u8>,
        old: usize,
        new: usize,
    ) -> Option<NonNull<u8>> {
        let cursor = self.ptr.get();
        let addr = ptr.as_ptr().addr();
        let is_last = old != 0 && old <= self.offset() && addr == cursor.addr() - old;
        if !is_last || new > self.end.get().addr() - addr {
            return None;
        }
        // The block's start, derived from the cursor so it carries the
        // chunk's provenance rather than whatever the caller's pointer has.
        let block = cursor.wrapping_sub(old);
        if new < old && cursor.addr() > self.peak.get().addr() {
            // The cursor is about to go down: remember how high it was, as
            // `restore_scope_fast` does, so the high-water mark stays exact.
            self.peak.set(cursor);
        }
        self.ptr.set(block.wrapping_add(new));
        // SAFETY: `block` has the address of `ptr`, which is non-null.
        Some(unsafe { NonNull::new_unchecked(block) })
    }

    /// Frees `[ptr, ptr + size)` if it is the last block of the current
    /// chunk (moves the cursor back to `ptr`); returns whether it did.
    ///
    /// # Safety
    /// As [`resize_last`](Bump::resize_last) with `new == 0`: the block
    /// belongs to the innermost open scope (or to the buffer, with no scope
    /// open) and is no longer in use.
    #[cfg(feature = "allocator-api2")]
    pub(crate) unsafe fn free_last(&self, ptr: NonNull<u8>, size: usize) -> bool {
        // SAFETY: forwarded from the caller.
        unsafe { self.resize_last(ptr, size, 0) }.is_some()
    }
}

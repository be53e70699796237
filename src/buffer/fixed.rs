//! [`AllocBuffer`]: a fixed-capacity buffer that never grows.

use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr::NonNull;
use std::alloc::{self, Layout};

use super::bump::{dangling, Bump, ScopeMark};
use super::{sealed, AllocError, Buffer, Checkpoint};

/// Alignment of the memory [`AllocBuffer::with_capacity`] allocates.
const HEAP_ALIGN: usize = 64;

/// A bump buffer over one block of memory of fixed size.
///
/// It never grows: a request that does not fit fails with
/// [`AllocError::OutOfCapacity`] (from `try_` methods; the others panic
/// with that message) and leaves the buffer unchanged.
///
/// The memory is either its own (`AllocBuffer` =
/// `AllocBuffer<Box<[MaybeUninit<u8>]>>`, from [`with_capacity`] or
/// [`from_box`]) or lent to it (`AllocBuffer<&mut [MaybeUninit<u8>]>`, from
/// [`from_slice`], for example an array on the stack). The type parameter
/// only says which; the buffer keeps raw pointers to the memory.
///
/// [`with_capacity`]: AllocBuffer::with_capacity
/// [`from_box`]: AllocBuffer::from_box
/// [`from_slice`]: AllocBuffer::from_slice
///
/// ```
/// use bumper::{AllocBuffer, Buffer};
///
/// let buf = AllocBuffer::with_capacity(100);
/// let s = buf.no_escape(|s| {
///     let y = s.alloc_with([3], |[i]| i as i64 + 2);
///     y.iter().sum::<i64>()
/// });
/// assert_eq!(s, 9);
/// assert!(buf.try_alloc_ptr(800_000, 1).is_err());
/// ```
pub struct AllocBuffer<S = Box<[MaybeUninit<u8>]>> {
    bump: Bump,
    base: NonNull<u8>,
    capacity: usize,
    /// `Some` when the buffer owns `base` and must free it with this layout.
    owned: Option<Layout>,
    _storage: PhantomData<S>,
}

// SAFETY: the buffer holds its memory exclusively (owned, or lent through
// `&mut`); moving it to another thread moves that exclusive access, which is
// sound when the storage type itself may move (`Box` and `&mut [_]` of bytes
// can). It is not `Sync`: the `Cell`s are not.
unsafe impl<S: Send> Send for AllocBuffer<S> {}

// A panic never leaves a buffer half-updated: scopes restore it while
// unwinding, and a failed request changes nothing.
impl<S> core::panic::UnwindSafe for AllocBuffer<S> {}
impl<S> core::panic::RefUnwindSafe for AllocBuffer<S> {}

impl AllocBuffer {
    /// A buffer of `bytes` bytes on the heap, aligned to 64.
    ///
    /// # Panics
    /// If the system cannot provide the memory (see
    /// [`try_with_capacity`](AllocBuffer::try_with_capacity)).
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(1 << 20);
    /// assert_eq!(buf.capacity(), 1 << 20);
    /// assert_eq!(buf.alloc_ptr(8, 8).as_ptr() as usize % 64, 0);
    /// ```
    #[track_caller]
    pub fn with_capacity(bytes: usize) -> Self {
        match Self::try_with_capacity(bytes) {
            Ok(buf) => buf,
            Err(e) => panic!("AllocBuffer::with_capacity({bytes}): {e}"),
        }
    }

    /// A buffer of `bytes` bytes on the heap, aligned to 64.
    ///
    /// # Errors
    /// [`AllocError::SizeOverflow`] if `bytes` exceeds `isize::MAX`,
    /// [`AllocError::OutOfMemory`] if the system allocator refuses.
    ///
    /// ```
    /// use bumper::{AllocBuffer, AllocError};
    ///
    /// assert_eq!(AllocBuffer::try_with_capacity(usize::MAX).unwrap_err(), AllocError::SizeOverflow);
    /// ```
    pub fn try_with_capacity(bytes: usize) -> Result<Self, AllocError> {
        let layout =
            Layout::from_size_align(bytes, HEAP_ALIGN).map_err(|_| AllocError::SizeOverflow)?;
        if bytes == 0 {
            return Ok(Self::from_raw(dangling(HEAP_ALIGN), 0, None));
        }
        // SAFETY: the layout's size is non-zero.
        let base =
            NonNull::new(unsafe { alloc::alloc(layout) }).ok_or(AllocError::OutOfMemory {
                size: bytes,
                align: HEAP_ALIGN,
            })?;
        Ok(Self::from_raw(base, bytes, Some(layout)))
    }

    /// A buffer over the memory of `mem`, which it frees when dropped.
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    /// use std::mem::MaybeUninit;
    ///
    /// let buf = AllocBuffer::from_box(Box::new([MaybeUninit::<u8>::uninit(); 32]));
    /// assert_eq!(buf.capacity(), 32);
    /// assert!(buf.try_alloc_ptr(33, 1).is_err());
    /// ```
    pub fn from_box(mem: Box<[MaybeUninit<u8>]>) -> Self {
        let layout = Layout::for_value(&*mem);
        let capacity = mem.len();
        let base = NonNull::from(Box::leak(mem)).cast::<u8>();
        // A zero-length box owns no allocation.
        Self::from_raw(base, capacity, (capacity > 0).then_some(layout))
    }
}

impl<'a> AllocBuffer<&'a mut [MaybeUninit<u8>]> {
    /// A buffer over memory you lend it, for example a stack array. The
    /// memory stays borrowed as long as the buffer lives.
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    /// use std::mem::MaybeUninit;
    ///
    /// let mut stack = [MaybeUninit::<u8>::uninit(); 256];
    /// let buf = AllocBuffer::from_slice(&mut stack);
    /// let sum: i32 = buf.no_escape(|s| s.alloc_filled([8], 3_i32).iter().sum());
    /// assert_eq!(sum, 24);
    /// ```
    pub fn from_slice(mem: &'a mut [MaybeUninit<u8>]) -> Self {
        let capacity = mem.len();
        Self::from_raw(NonNull::from(mem).cast::<u8>(), capacity, None)
    }
}

impl<S> AllocBuffer<S> {
    fn from_raw(base: NonNull<u8>, capacity: usize, owned: Option<Layout>) -> Self {
        let bump = Bump::empty();
        bump.set_chunk(base.as_ptr(), capacity, 0);
        AllocBuffer {
            bump,
            base,
            capacity,
            owned,
            _storage: PhantomData,
        }
    }

    /// Capacity in bytes.
    ///
    /// ```
    /// assert_eq!(bumper::AllocBuffer::with_capacity(100).capacity(), 100);
    /// ```
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Address of the first byte: the first allocation of a fresh buffer
    /// (with an alignment the base satisfies) starts here.
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(100);
    /// let a = buf.alloc::<i64, 1>([3]);
    /// assert_eq!(a.as_ptr() as *const u8, buf.base_ptr());
    /// ```
    pub fn base_ptr(&self) -> *const u8 {
        self.base.as_ptr()
    }
}

impl<S> sealed::Sealed for AllocBuffer<S> {
    #[inline(always)]
    fn bump(&self) -> &Bump {
        &self.bump
    }

    #[inline(always)]
    fn as_dyn(&self) -> &dyn Buffer {
        self
    }

    fn stamp_of(&self, _chunk: usize, _custom: usize) -> u64 {
        // One chunk, no slow-path events: every position rests on nothing,
        // and a position reached again is the same state.
        0
    }

    #[cold]
    #[inline(never)]
    fn grow(&self, size: usize, align: usize) -> Result<NonNull<u8>, AllocError> {
        if size == 0 {
            return Ok(dangling(align));
        }
        Err(AllocError::OutOfCapacity {
            requested: size,
            available: self.bump.available(align),
        })
    }

    unsafe fn restore_to(&self, cp: &Checkpoint) {
        self.bump.note_high_water();
        // One chunk, no custom slabs: the cursor is all there is.
        self.bump
            .set_chunk(self.base.as_ptr(), self.capacity, cp.offset);
    }

    unsafe fn restore_scope(&self, mark: ScopeMark) {
        // Never reached: a fixed buffer has no slow-path events, so its
        // generation never changes and scopes restore on the fast path.
        self.bump
            .set_chunk_at(self.base.as_ptr(), self.capacity, mark.ptr);
    }

    fn reserved(&self) -> (usize, usize, usize) {
        (1, self.capacity, self.capacity)
    }
}

impl<S> Buffer for AllocBuffer<S> {}

impl<S> Drop for AllocBuffer<S> {
    fn drop(&mut self) {
        if let Some(layout) = self.owned {
            // SAFETY: `base` was allocated (by us or by the Box we took) with
            // this layout and global allocator; nothing borrows the buffer.
            unsafe { alloc::dealloc(self.base.as_ptr(), layout) };
        }
    }
}

impl<S> core::fmt::Debug for AllocBuffer<S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AllocBuffer")
            .field("capacity", &self.capacity)
            .field("stats", &self.stats())
            .finish()
    }
}

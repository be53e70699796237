//! The error type of every fallible allocation.

use core::fmt;

/// Why an allocation could not be made.
///
/// Every `try_` method returns it; every method without `try_` panics with its
/// [`Display`](fmt::Display) text, which names the numbers involved.
///
/// ```
/// use bumper::{AllocBuffer, AllocError, Buffer};
///
/// let buf = AllocBuffer::with_capacity(16);
/// let err = buf.try_alloc_ptr(100, 8).unwrap_err();
/// assert_eq!(err, AllocError::OutOfCapacity { requested: 100, available: 16 });
/// assert_eq!(
///     err.to_string(),
///     "buffer out of capacity: requested 100 bytes, 16 bytes available"
/// );
/// assert_eq!(buf.try_alloc_ptr(8, 3), Err(AllocError::BadAlign(3)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AllocError {
    /// A fixed-capacity buffer ([`AllocBuffer`](crate::AllocBuffer)) cannot
    /// hold the request: `requested` bytes were asked for, `available` bytes
    /// are left at the requested alignment. The buffer is unchanged.
    OutOfCapacity {
        /// Bytes asked for.
        requested: usize,
        /// Bytes left in the buffer, after the padding the alignment needs.
        available: usize,
    },
    /// The byte size of the request (element count times element size, plus
    /// alignment) does not fit in `isize`.
    SizeOverflow,
    /// The alignment is not a power of two (0 and 3 are rejected, 4096 is fine).
    BadAlign(usize),
    /// The system allocator refused to give a [`SlabBuffer`](crate::SlabBuffer)
    /// a new slab of `size` bytes aligned to `align`.
    OutOfMemory {
        /// Bytes asked of the system allocator.
        size: usize,
        /// Their alignment.
        align: usize,
    },
    /// An allocation was made through a scope (or, for `depth == 0`, directly
    /// through the buffer) while a scope nested deeper on the same buffer was
    /// open. The memory would be freed when the inner scope ends, while the
    /// outer array still used it, so the request is refused. Allocate from the
    /// innermost scope instead.
    InnerScopeOpen {
        /// Depth of the scope that tried to allocate (0: the buffer itself).
        depth: usize,
        /// Depth of the innermost scope open on the buffer.
        innermost: usize,
    },
}

impl fmt::Display for AllocError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AllocError::OutOfCapacity {
                requested,
                available,
            } => write!(
                f,
                "buffer out of capacity: requested {requested} bytes, {available} bytes available"
            ),
            AllocError::SizeOverflow => f.write_str(
                "allocation size overflows: element count times element size (plus alignment) exceeds isize::MAX",
            ),
            AllocError::BadAlign(align) => {
                write!(f, "alignment {align} is not a power of two")
            }
            AllocError::OutOfMemory { size, align } => write!(
                f,
                "the system allocator could not provide a slab of {size} bytes aligned to {align}"
            ),
            AllocError::InnerScopeOpen {
                depth: 0,
                innermost,
            } => write!(
                f,
                "cannot allocate directly from a buffer while a scope on it is open \
                 (innermost scope depth {innermost}); allocate from that scope instead"
            ),
            AllocError::InnerScopeOpen { depth, innermost } => write!(
                f,
                "cannot allocate from the scope at depth {depth} while a nested scope at depth {innermost} \
                 is open on the same buffer; allocate from the innermost scope instead"
            ),
        }
    }
}

impl std::error::Error for AllocError {}

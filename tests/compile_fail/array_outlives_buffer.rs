// Soundness rule 1 for buffers: an array from `buf.alloc` borrows `buf`, so
// it cannot outlive it. If `buf` could be dropped while `a` is live, `a`
// would point into memory returned to the system.

use bumper::{Buffer, SlabBuffer};

fn main() {
    let buf = SlabBuffer::<4096>::new();
    let a = buf.alloc::<f64, 1>([4]);
    drop(buf);
    println!("{}", a[[0]]);
}

//! STUB: to be implemented (issue 15).
#![allow(dead_code, missing_docs)]
/// STUB
pub fn repeat<T: Clone + Send>(element: T) -> Repeat<T> {
    Repeat { element }
}
/// STUB
pub struct Repeat<T> {
    element: T,
}
/// STUB
pub fn repeat_n<T: Clone + Send>(element: T, n: usize) -> RepeatN<T> {
    RepeatN { element, n }
}
/// STUB
#[deprecated(note = "use `repeat_n`")]
pub fn repeatn<T: Clone + Send>(element: T, n: usize) -> RepeatN<T> {
    repeat_n(element, n)
}
/// STUB
pub struct RepeatN<T> {
    element: T,
    n: usize,
}

//! A job blocked reading a socket, stopped by cancellation — no signals, no
//! `pthread_cancel`, no forced unwinding.
//!
//! A producer thread writes a few lines into one end of a Unix socket pair, then goes
//! quiet. A pool job reads the other end; between lines it blocks in
//! `token.wait_fd(&socket, Interest::Readable, None)`. When the main thread cancels the
//! job, the wait returns at once with a cancellation error, the job returns
//! `Err(Cancelled)`, and its buffers are dropped as usual.
//!
//! Run with `cargo run --release --example blocking_io`.

#[cfg(unix)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    use std::io::{Read, Write};
    use std::os::unix::net::UnixStream;
    use std::time::{Duration, Instant};

    use cancelpool::{Cancelled, Interest, JobError, ThreadPoolBuilder};

    let pool = ThreadPoolBuilder::new().num_threads(2).build()?;
    let (mut writer, reader) = UnixStream::pair()?;
    reader.set_nonblocking(true)?;
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<usize>();

    let job = pool.submit(move |token| {
        let mut reader = reader;
        let mut received = Vec::new();
        let mut buf = [0u8; 256];
        loop {
            // Blocks until data arrives or the job is cancelled (then `?` returns).
            match token.wait_fd(&reader, Interest::Readable, None) {
                Ok(_) => {}
                Err(e) if Cancelled::is_cancelled_io(&e) => {
                    println!(
                        "reader: cancelled while blocked, {} bytes read",
                        received.len()
                    );
                    // The handle reports an `io::Error` carrying `Cancelled` as
                    // `JobError::Cancelled`.
                    return Err(e.into());
                }
                Err(e) => return Err(e.into()),
            }
            match reader.read(&mut buf) {
                Ok(0) => return Ok(received),
                Ok(n) => {
                    received.extend_from_slice(&buf[..n]);
                    let _ = lines_tx.send(received.iter().filter(|&&b| b == b'\n').count());
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e.into()),
            }
        }
    });

    for i in 0..3 {
        writeln!(writer, "line {i}")?;
        // Wait until the reader has seen it, so the output is deterministic.
        while lines_rx.recv()? < i + 1 {}
    }
    println!("producer: 3 lines sent; now silent (the writer stays open)");

    let cancelled_at = Instant::now();
    job.cancel();
    let result = job.join();
    let latency = cancelled_at.elapsed();
    match result {
        Err(JobError::Cancelled) => println!(
            "main: the blocked job returned Cancelled {:.1} µs after cancel()",
            latency.as_secs_f64() * 1e6
        ),
        other => println!("main: unexpected result {other:?}"),
    }
    drop(writer);
    pool.shutdown_timeout(Duration::from_secs(5))?;
    println!("main: pool shut down, every worker joined");
    Ok(())
}

#[cfg(not(unix))]
fn main() {
    println!("this example needs a unix platform (wait_fd)");
}

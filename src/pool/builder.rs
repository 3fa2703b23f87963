//! [`ThreadPoolBuilder`] (P1): every setting is checked, and a failed build joins the
//! workers it had already started before it returns the error.

use std::any::Any;
use std::fmt;
use std::io;

use super::registry::{self, ExitHandler, PanicHandler, Registry, StartHandler};
use super::thread_pool::ThreadPool;
use crate::sync::Arc;

/// The most workers a pool can have (the sleep counters hold 16 bits).
pub const MAX_THREADS: usize = (1 << 16) - 2;

/// Configures and builds a [`ThreadPool`].
///
/// # Example
///
/// ```
/// use cancelpool::ThreadPoolBuilder;
///
/// let pool = ThreadPoolBuilder::new()
///     .num_threads(2)
///     .thread_name(|i| format!("solver-{i}"))
///     .stack_size(4 << 20)
///     .build()?;
/// assert_eq!(pool.current_num_threads(), 2);
/// let name = pool.install(|| std::thread::current().name().map(str::to_owned));
/// assert!(name.unwrap().starts_with("solver-"));
/// # Ok::<(), cancelpool::BuildError>(())
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct ThreadPoolBuilder {
    num_threads: usize,
    thread_name: Option<Box<dyn FnMut(usize) -> String>>,
    stack_size: Option<usize>,
    start_handler: Option<Box<StartHandler>>,
    exit_handler: Option<Box<ExitHandler>>,
    panic_handler: Option<Box<PanicHandler>>,
    block_signals: bool,
}

impl Default for ThreadPoolBuilder {
    fn default() -> Self {
        ThreadPoolBuilder::new()
    }
}

impl fmt::Debug for ThreadPoolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ThreadPoolBuilder")
            .field("num_threads", &self.num_threads)
            .field("thread_name", &self.thread_name.is_some())
            .field("stack_size", &self.stack_size)
            .field("start_handler", &self.start_handler.is_some())
            .field("exit_handler", &self.exit_handler.is_some())
            .field("panic_handler", &self.panic_handler.is_some())
            .field("block_signals", &self.block_signals)
            .finish()
    }
}

impl ThreadPoolBuilder {
    /// A builder with the defaults: one worker per available core, names
    /// `cancelpool-worker-N`, the platform's stack size, signals blocked in workers.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().build().unwrap();
    /// assert!(pool.current_num_threads() >= 1);
    /// ```
    pub fn new() -> Self {
        ThreadPoolBuilder {
            num_threads: 0,
            thread_name: None,
            stack_size: None,
            start_handler: None,
            exit_handler: None,
            panic_handler: None,
            block_signals: true,
        }
    }

    /// The number of workers; `0` (the default) means one per available core.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    /// assert_eq!(pool.current_num_threads(), 3);
    /// ```
    pub fn num_threads(mut self, n: usize) -> Self {
        self.num_threads = n;
        self
    }

    /// Names worker `i` `f(i)`. A name with a NUL byte makes `build` fail with
    /// [`BuildError::InvalidThreadName`].
    ///
    /// # Example
    ///
    /// ```
    /// let err = cancelpool::ThreadPoolBuilder::new()
    ///     .num_threads(1)
    ///     .thread_name(|_| "bad\0name".into())
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, cancelpool::BuildError::InvalidThreadName { .. }));
    /// ```
    pub fn thread_name<F>(mut self, f: F) -> Self
    where
        F: FnMut(usize) -> String + 'static,
    {
        self.thread_name = Some(Box::new(f));
        self
    }

    /// The stack size of each worker, in bytes. A size the system cannot give makes
    /// `build` fail with [`BuildError::Spawn`].
    ///
    /// # Example
    ///
    /// ```
    /// let err = cancelpool::ThreadPoolBuilder::new()
    ///     .num_threads(2)
    ///     .stack_size(1 << 60)
    ///     .build()
    ///     .unwrap_err();
    /// assert!(matches!(err, cancelpool::BuildError::Spawn { .. }));
    /// ```
    pub fn stack_size(mut self, bytes: usize) -> Self {
        self.stack_size = Some(bytes);
        self
    }

    /// Called on each worker with its index before it runs any job. A panic in it is
    /// reported to the panic handler; the worker still runs.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let started = Arc::new(AtomicUsize::new(0));
    /// let s = Arc::clone(&started);
    /// let pool = cancelpool::ThreadPoolBuilder::new()
    ///     .num_threads(2)
    ///     .start_handler(move |_| { s.fetch_add(1, Ordering::SeqCst); })
    ///     .build()
    ///     .unwrap();
    /// pool.shutdown().unwrap();
    /// assert_eq!(started.load(Ordering::SeqCst), 2);
    /// ```
    pub fn start_handler<F>(mut self, f: F) -> Self
    where
        F: Fn(usize) + Send + Sync + 'static,
    {
        self.start_handler = Some(Box::new(f));
        self
    }

    /// Called on each worker with its index as the last thing before it exits. Shutdown
    /// returns only after every exit handler has returned.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use std::sync::Arc;
    ///
    /// let exited = Arc::new(AtomicUsize::new(0));
    /// let e = Arc::clone(&exited);
    /// let pool = cancelpool::ThreadPoolBuilder::new()
    ///     .num_threads(2)
    ///     .exit_handler(move |_| { e.fetch_add(1, Ordering::SeqCst); })
    ///     .build()
    ///     .unwrap();
    /// pool.shutdown().unwrap();
    /// assert_eq!(exited.load(Ordering::SeqCst), 2);
    /// ```
    pub fn exit_handler<F>(mut self, f: F) -> Self
    where
        F: Fn(usize) + Send + Sync + 'static,
    {
        self.exit_handler = Some(Box::new(f));
        self
    }

    /// Receives the payload of a panic that escapes a `spawn`ed job (or a handler).
    /// Without one, such panics are dropped after the panic hook printed them; the pool
    /// never aborts. A panic inside the handler is caught and dropped. (Panics in `join`
    /// and `scope` propagate to their caller, panics in `submit`ted jobs to their
    /// handle.)
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::mpsc;
    ///
    /// let (tx, rx) = mpsc::channel();
    /// let tx = std::sync::Mutex::new(tx);
    /// let pool = cancelpool::ThreadPoolBuilder::new()
    ///     .num_threads(1)
    ///     .panic_handler(move |p| {
    ///         let msg = p.downcast_ref::<&str>().copied().unwrap_or("?");
    ///         let _ = tx.lock().unwrap().send(msg.to_owned());
    ///     })
    ///     .build()
    ///     .unwrap();
    /// # let hook = std::panic::take_hook();
    /// # std::panic::set_hook(Box::new(|_| {}));
    /// pool.spawn(|| panic!("boom"));
    /// assert_eq!(rx.recv().unwrap(), "boom");
    /// # std::panic::set_hook(hook);
    /// ```
    pub fn panic_handler<F>(mut self, f: F) -> Self
    where
        F: Fn(Box<dyn Any + Send>) + Send + Sync + 'static,
    {
        self.panic_handler = Some(Box::new(f));
        self
    }

    /// Whether workers start with SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and
    /// SIGPIPE blocked (default: `true`), so that process-directed signals are delivered
    /// to the application's own threads. The mask is set before each worker starts (it
    /// inherits it), so there is no window in which a worker can take such a signal.
    /// No effect on non-unix platforms.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(1).block_signals(false).build().unwrap();
    /// # drop(pool);
    /// ```
    pub fn block_signals(mut self, block: bool) -> Self {
        self.block_signals = block;
        self
    }

    /// Starts the workers. On error, the workers already started are joined first.
    ///
    /// # Example
    ///
    /// ```
    /// let pool = cancelpool::ThreadPoolBuilder::new().num_threads(2).build()?;
    /// assert_eq!(pool.install(|| 6 * 7), 42);
    /// # Ok::<(), cancelpool::BuildError>(())
    /// ```
    pub fn build(self) -> Result<ThreadPool, BuildError> {
        let (registry, handles) = self.spawn_workers()?;
        Ok(ThreadPool::new(registry, handles))
    }

    /// Builds the pool used by the free functions (`join`, `scope`, `spawn`, `submit`)
    /// when they are called outside any pool. Fails with
    /// [`BuildError::GlobalPoolAlreadyInitialized`] if the global pool exists (built
    /// before, or started lazily by an earlier free-function call); after
    /// [`shutdown_global`](crate::shutdown_global) it may be built again.
    ///
    /// # Example
    ///
    /// ```
    /// // In a fresh process this configures the global pool; here it may already exist.
    /// match cancelpool::ThreadPoolBuilder::new().num_threads(2).build_global() {
    ///     Ok(()) | Err(cancelpool::BuildError::GlobalPoolAlreadyInitialized) => {}
    ///     Err(e) => panic!("{e}"),
    /// }
    /// assert!(cancelpool::current_num_threads() >= 1);
    /// ```
    pub fn build_global(self) -> Result<(), BuildError> {
        super::global::build_global(self)
    }

    pub(crate) fn spawn_workers(
        mut self,
    ) -> Result<(Arc<Registry>, Vec<WorkerHandle>), BuildError> {
        let n = match self.num_threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        if n > MAX_THREADS {
            return Err(BuildError::TooManyThreads {
                requested: n,
                max: MAX_THREADS,
            });
        }
        let mut names = Vec::with_capacity(n);
        for index in 0..n {
            let name = match &mut self.thread_name {
                Some(f) => f(index),
                None => format!("cancelpool-worker-{index}"),
            };
            names.push(name);
        }
        let (registry, workers) = Registry::new(
            n,
            names.iter().cloned().map(Some).collect(),
            self.panic_handler.take(),
            self.start_handler.take(),
            self.exit_handler.take(),
        );
        let mut handles = Vec::with_capacity(n);
        let mut failure = None;
        {
            // Miri delivers no signals and has no sigset functions: nothing to block.
            #[cfg(all(unix, not(loom)))]
            let _mask = if self.block_signals && !cfg!(miri) {
                Some(SignalMask::block_for_children())
            } else {
                None
            };
            for (index, (worker, name)) in workers.into_iter().zip(names).enumerate() {
                if name.contains('\0') {
                    failure = Some(BuildError::InvalidThreadName { index, name });
                    break;
                }
                let mut builder = crate::sync::thread::Builder::new().name(name);
                if let Some(size) = self.stack_size {
                    builder = builder.stack_size(size);
                }
                let reg = Arc::clone(&registry);
                match builder.spawn(move || registry::main_loop(worker, reg, index)) {
                    Ok(handle) => handles.push(WorkerHandle {
                        index,
                        handle: Some(handle),
                    }),
                    Err(source) => {
                        failure = Some(BuildError::Spawn { index, source });
                        break;
                    }
                }
            }
        }
        if let Some(error) = failure {
            // Join what was started: a failed build leaves no thread behind.
            registry.close();
            registry.terminate();
            for mut h in handles {
                if let Some(handle) = h.handle.take() {
                    let _ = handle.join();
                }
            }
            return Err(error);
        }
        Ok((registry, handles))
    }
}

/// A worker's join handle, kept by the pool until shutdown joins it.
pub(crate) struct WorkerHandle {
    pub(crate) index: usize,
    pub(crate) handle: Option<crate::sync::thread::JoinHandle<()>>,
}

/// Why a pool could not be built.
///
/// # Example
///
/// ```
/// let err = cancelpool::ThreadPoolBuilder::new().num_threads(1 << 20).build().unwrap_err();
/// assert!(err.to_string().contains("at most"));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// `thread_name` returned a name containing a NUL byte.
    InvalidThreadName {
        /// The worker whose name was refused.
        index: usize,
        /// The name.
        name: String,
    },
    /// The system could not start a worker (EAGAIN, EMFILE, ENOMEM, an impossible stack
    /// size, …). The workers started before it were joined.
    Spawn {
        /// The worker that could not be started.
        index: usize,
        /// The system's error.
        source: io::Error,
    },
    /// More workers than a pool supports.
    TooManyThreads {
        /// What was asked.
        requested: usize,
        /// The limit, [`MAX_THREADS`].
        max: usize,
    },
    /// `build_global` was called while a global pool exists.
    GlobalPoolAlreadyInitialized,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::InvalidThreadName { index, name } => {
                write!(
                    f,
                    "the name of worker {index} ({name:?}) contains a NUL byte; thread names cannot"
                )
            }
            BuildError::Spawn { index, source } => write!(
                f,
                "could not start worker {index}: {source}; the workers already started were joined \
                 (check the thread limit, open files and the stack size)"
            ),
            BuildError::TooManyThreads { requested, max } => {
                write!(
                    f,
                    "{requested} workers were requested; a pool has at most {max}"
                )
            }
            BuildError::GlobalPoolAlreadyInitialized => f.write_str(
                "the global pool already exists (built, or started by an earlier call); \
                 call `shutdown_global` first to replace it",
            ),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Spawn { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The signals workers start with blocked (P1).
#[cfg(all(unix, not(loom)))]
const BLOCKED_SIGNALS: [libc::c_int; 7] = [
    libc::SIGINT,
    libc::SIGTERM,
    libc::SIGHUP,
    libc::SIGQUIT,
    libc::SIGUSR1,
    libc::SIGUSR2,
    libc::SIGPIPE,
];

/// Blocks [`BLOCKED_SIGNALS`] on the calling thread while alive, so that threads it
/// spawns inherit the mask from their first instruction; restores the old mask on drop.
#[cfg(all(unix, not(loom)))]
struct SignalMask {
    old: libc::sigset_t,
}

#[cfg(all(unix, not(loom)))]
impl SignalMask {
    fn block_for_children() -> SignalMask {
        // SAFETY: sigset_t is plain data; sigemptyset/sigaddset initialise it, and
        // pthread_sigmask only changes this thread's mask (restored in `drop`).
        unsafe {
            let mut set: libc::sigset_t = std::mem::zeroed();
            let mut old: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            for sig in BLOCKED_SIGNALS {
                libc::sigaddset(&mut set, sig);
            }
            libc::pthread_sigmask(libc::SIG_BLOCK, &set, &mut old);
            SignalMask { old }
        }
    }
}

#[cfg(all(unix, not(loom)))]
impl Drop for SignalMask {
    fn drop(&mut self) {
        // SAFETY: restores the mask saved in `block_for_children` on the same thread.
        unsafe {
            libc::pthread_sigmask(libc::SIG_SETMASK, &self.old, std::ptr::null_mut());
        }
    }
}

package dev.pushdoctor.sample.logging

import uniffi.pushdoctor_ffi.LogBatch
import uniffi.pushdoctor_ffi.LogLevel
import uniffi.pushdoctor_ffi.PushDoctorAgent
import java.util.concurrent.Executors
import java.util.concurrent.ScheduledExecutorService
import java.util.concurrent.TimeUnit

/**
 * The app's own logs, forwarded into the agent in batches: a [LogBatch]
 * (one call across the FFI per batch, docs/bindings.md) flushed by itself
 * when full, every [flushEveryMs] on a timer of its own, and on [close].
 * The agent echoes what it captures to logcat (`AgentConfig.echoToPlatformLog`),
 * so the app logs only here.
 */
class AppLogForwarder(
    agent: PushDoctorAgent,
    flushEveryMs: Long = DEFAULT_FLUSH_MS,
) : AutoCloseable {
    init {
        require(flushEveryMs > 0) { "AppLogForwarder flushEveryMs must be above zero, not $flushEveryMs" }
    }

    private val batch = LogBatch(agent)
    private val timer: ScheduledExecutorService = Executors.newSingleThreadScheduledExecutor { runnable ->
        Thread(runnable, "pushdoctor-log-flush").apply { isDaemon = true }
    }

    @Volatile
    private var closed = false

    init {
        timer.scheduleWithFixedDelay({ flushQuietly() }, flushEveryMs, flushEveryMs, TimeUnit.MILLISECONDS)
    }

    fun debug(tag: String, message: String) = add(LogLevel.DEBUG, tag, message)
    fun info(tag: String, message: String) = add(LogLevel.INFO, tag, message)
    fun warn(tag: String, message: String) = add(LogLevel.WARN, tag, message)
    fun error(tag: String, message: String) = add(LogLevel.ERROR, tag, message)

    /** Adds one record, stamped now with the calling thread's name; ignored once closed. */
    fun add(level: LogLevel, tag: String, message: String) {
        if (closed) return
        try {
            batch.add(level, tag, message, thread = Thread.currentThread().name)
        } catch (e: IllegalStateException) {
            // Closed between the check and the add: the record is dropped,
            // as every log call is after the agent shuts down.
        }
    }

    /** Hands the records added so far to the agent now (before a bundle, say). */
    fun flush() {
        if (!closed) batch.flush()
    }

    private fun flushQuietly() {
        try {
            flush()
        } catch (e: Exception) {
            // A flush on the timer has nobody to tell; the records stay for the next one.
        }
    }

    /** Stops the timer, flushes what is left and lets go of the agent: call before `agent.shutdown()`. */
    override fun close() {
        if (closed) return
        closed = true
        timer.shutdownNow()
        batch.close()
    }

    companion object {
        /** Records reach the capture within two seconds: soon enough for a bundle built after a failure. */
        const val DEFAULT_FLUSH_MS = 2_000L
    }
}

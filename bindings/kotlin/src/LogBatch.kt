// Shipped with the generated bindings, in their package: generate.sh copies
// it beside pushdoctor_ffi.kt. Hand-written, unlike that file.
package uniffi.pushdoctor_ffi

import com.sun.jna.Native
import java.nio.ByteBuffer
import java.nio.ByteOrder

/**
 * Log records for [PushDoctorAgent], packed into one direct buffer and
 * handed over in one call ([flush]): the cheap way to log from Kotlin
 * (docs/bindings.md, "Logging from Kotlin"). Records are typed here
 * (a [LogLevel], strings, a field count the format can hold), and the
 * library checks the whole buffer again when it reads it.
 *
 * A batch belongs to one agent, and holds its native object until the
 * batch is closed. It flushes by itself when its buffer is full; flush it
 * on a timer or at a size, and [close] it before the agent shuts down:
 * records still in it are not captured until then. Its calls are
 * synchronized, so threads may share one; one per busy thread avoids them
 * waiting on each other.
 */
class LogBatch @JvmOverloads constructor(
    agent: PushDoctorAgent,
    /** The buffer's size in bytes, at least 1 KiB; a record larger than it grows it. */
    capacityBytes: Int = 64 * 1024,
) : AutoCloseable {
    init {
        require(capacityBytes >= 1024) { "LogBatch capacityBytes must be at least 1024, not $capacityBytes" }
    }

    private var buffer: ByteBuffer = emptyBuffer(capacityBytes)
    private var bufferAddress = Native.getDirectBufferPointer(buffer)
    private val status = UniffiRustCallStatus()
    private val bytes = ForeignBytes.ByValue()
    private var closed = false
    // The batch's own reference to the agent's native object, freed by
    // close() or, failing that, when the batch is collected (the same
    // cleaner the generated objects use).
    private val handle: Long = agent.uniffiCloneHandle()
    private val cleanable = UniffiLib.CLEANER.register(this, FreeHandle(handle))

    /** Records added since the last flush. */
    @get:Synchronized
    var size: Int = 0
        private set

    /** Adds one record; `timestampMs` null means now (when it is added). */
    @Synchronized
    @JvmOverloads
    fun add(
        level: LogLevel,
        tag: String,
        message: String,
        timestampMs: Long? = null,
        thread: String? = null,
        fields: List<LogField> = emptyList(),
    ) {
        check(!closed) { "this LogBatch is closed" }
        require(fields.size <= MAX_FIELDS) { "a log record holds at most $MAX_FIELDS fields, not ${fields.size}" }
        val tagBytes = tag.toByteArray(Charsets.UTF_8)
        val messageBytes = message.toByteArray(Charsets.UTF_8)
        val threadBytes = thread?.toByteArray(Charsets.UTF_8)
        var needed = 1 + 8 + 4 + tagBytes.size + 4 + messageBytes.size + 4 + (threadBytes?.size ?: 0) + 2
        val fieldBytes = if (fields.isEmpty()) NO_FIELDS else Array(fields.size * 2) { i ->
            val field = fields[i / 2]
            (if (i % 2 == 0) field.key else field.value).toByteArray(Charsets.UTF_8).also { needed += 4 + it.size }
        }
        ensureRoom(needed)
        val b = buffer
        // LogLevel's order is the format's: ERROR is 1, TRACE 5. The
        // format's "now" (Long.MIN_VALUE) is never written: a record is
        // stamped when it is added, so a late flush does not move it.
        b.put((level.ordinal + 1).toByte())
        b.putLong(timestampMs ?: System.currentTimeMillis())
        putString(b, tagBytes)
        putString(b, messageBytes)
        if (threadBytes == null) b.putInt(NONE) else putString(b, threadBytes)
        b.putShort(fields.size.toShort())
        for (bytes in fieldBytes) putString(b, bytes)
        size++
    }

    /** Adds one [LogEntry]. */
    fun add(entry: LogEntry) =
        add(entry.level, entry.tag, entry.message, entry.timestampMs, entry.thread, entry.fields)

    /**
     * Hands the records to the agent in one call and empties the batch. A
     * closed agent ignores them, as it ignores `log`.
     */
    @Synchronized
    fun flush() {
        check(!closed) { "this LogBatch is closed" }
        if (size == 0) return
        val b = buffer
        b.flip()
        try {
            // What the generated `agent.logPacked(b)` does, without the
            // three JNA Structures it allocates for every call (a call
            // status for cloning the handle, one for the call, the buffer's
            // descriptor), which cost far more than the calls themselves
            // (BENCHMARKS.md): all are kept here and reused, under this
            // object's lock. As for any method, the call consumes a clone
            // of a handle: cloned here from the batch's own.
            bytes.len = b.remaining()
            bytes.data = bufferAddress
            status.code = UNIFFI_CALL_SUCCESS
            val call = UniffiLib.uniffi_pushdoctor_ffi_fn_clone_pushdoctoragent(handle, status)
            checkStatus()
            UniffiLib.uniffi_pushdoctor_ffi_fn_method_pushdoctoragent_log_packed(call, bytes, status)
            checkStatus()
        } finally {
            b.clear()
            b.put(VERSION)
            size = 0
        }
    }

    /**
     * Flushes, then lets go of the agent: a batch holds the agent's native
     * memory until it is closed (or garbage-collected, when the records
     * still in it are lost). Later calls throw; a second close does
     * nothing.
     */
    @Synchronized
    override fun close() {
        if (closed) return
        try {
            flush()
        } finally {
            closed = true
            cleanable.clean()
        }
    }

    /** Throws what the call reported, as the generated code would. */
    private fun checkStatus() {
        val code = status.code
        if (code == UNIFFI_CALL_SUCCESS) return
        val errorBuf = status.error_buf
        status.code = UNIFFI_CALL_SUCCESS
        status.error_buf = RustBuffer.ByValue()
        when {
            code == UNIFFI_CALL_ERROR -> throw AgentException.ErrorHandler.lift(errorBuf)
            errorBuf.len > 0 -> throw InternalException(FfiConverterString.lift(errorBuf))
            else -> throw InternalException("Rust panic")
        }
    }

    private fun ensureRoom(needed: Int) {
        if (buffer.remaining() >= needed) return
        flush()
        if (buffer.remaining() < needed) {
            buffer = emptyBuffer(needed + 1)
            bufferAddress = Native.getDirectBufferPointer(buffer)
        }
    }

    private fun putString(b: ByteBuffer, bytes: ByteArray) {
        b.putInt(bytes.size)
        b.put(bytes)
    }

    // Not an inner class: the cleaner's action must not hold the batch.
    private class FreeHandle(private val handle: Long) : Runnable {
        override fun run() {
            val status = UniffiRustCallStatus()
            UniffiLib.uniffi_pushdoctor_ffi_fn_free_pushdoctoragent(handle, status)
        }
    }

    private companion object {
        /** The format's version (bindings/src/packed_logs.rs). */
        const val VERSION: Byte = 1
        const val NONE: Int = -1
        const val MAX_FIELDS = 0xFFFF
        val NO_FIELDS = emptyArray<ByteArray>()

        fun emptyBuffer(capacity: Int): ByteBuffer =
            ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN).also { it.put(VERSION) }
    }
}

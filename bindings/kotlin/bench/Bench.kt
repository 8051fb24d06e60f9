// The cost of crossing the FFI, measured on the JVM: a log record forwarded
// from Kotlin into the core (one at a time and in batches), a history
// event, and a callback from the core into Kotlin, each beside baselines
// measured in the same run: the same work staying in Kotlin, and bare
// uniffi calls taking the same arguments and doing nothing (the `bench`
// feature's BareObject), which are the floor JNA and uniffi set.
//
// Every case runs ROUNDS rounds of N calls, interleaved with the others;
// the first WARMUP rounds warm the JIT up and are not counted; a row is the
// median of the counted rounds. One JVM run prints one table; the figures
// in BENCHMARKS.md are the medians of five such runs.

import java.nio.ByteBuffer
import kotlinx.coroutines.runBlocking
import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.AppPresence
import uniffi.pushdoctor_ffi.AttemptEvent
import uniffi.pushdoctor_ffi.AttemptOutcome
import uniffi.pushdoctor_ffi.BareObject
import uniffi.pushdoctor_ffi.Decision
import uniffi.pushdoctor_ffi.DeviceFacts
import uniffi.pushdoctor_ffi.FocusFacts
import uniffi.pushdoctor_ffi.LogBatch
import uniffi.pushdoctor_ffi.LogEntry
import uniffi.pushdoctor_ffi.LogLevel
import uniffi.pushdoctor_ffi.NetworkFacts
import uniffi.pushdoctor_ffi.NotificationFacts
import uniffi.pushdoctor_ffi.Platform
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PowerFacts
import uniffi.pushdoctor_ffi.ProgressListener
import uniffi.pushdoctor_ffi.ProgressStep
import uniffi.pushdoctor_ffi.PushDelivery
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.PushEvent
import uniffi.pushdoctor_ffi.SettingsTarget
import uniffi.pushdoctor_ffi.IntegrityCheckingUniffiLib
import uniffi.pushdoctor_ffi.UniffiLib
import uniffi.pushdoctor_ffi.UniffiRustCallStatus
import uniffi.pushdoctor_ffi.bareCall
import uniffi.pushdoctor_ffi.bareLog
import uniffi.pushdoctor_ffi.measureCallbackCost

object Phone : PlatformProbe {
    override suspend fun network() = NetworkFacts(connected = true)
    override suspend fun notifications() = NotificationFacts(enabled = true)
    override suspend fun focus() = FocusFacts(active = false)
    override suspend fun power() = PowerFacts(batterySaver = false)
    override suspend fun device() = DeviceFacts()
    override fun openSettings(target: SettingsTarget) = false
}

class Counter : ProgressListener {
    @Volatile var calls = 0L
    override fun onProgress(step: ProgressStep, done: Int, total: Int) { calls++ }
}

// -Dbench.quick=true: fewer rounds, to try a change; never for a figure.
val QUICK = System.getProperty("bench.quick") == "true"
const val N = 20_000
val WARMUP = if (QUICK) 2 else 5
val ROUNDS = if (QUICK) 5 else 15

fun nanosPer(count: Int, body: () -> Unit): Double {
    val start = System.nanoTime()
    body()
    return (System.nanoTime() - start).toDouble() / count
}

fun median(samples: List<Double>) = samples.sorted()[samples.size / 2]

fun main() {
    PushDoctorAgent(AgentConfig(platform = Platform.ANDROID, echoToPlatformLog = false), Phone).use { agent ->
        BareObject().use { bare ->
            val entry = LogEntry(LogLevel.INFO, "Accept", "attempt 3 for request a1b2c3 took 120ms", 1_790_000_000_000L, "main", emptyList())
            val batch = List(100) { entry }
            val packed = ByteBuffer.allocateDirect(128)
            packed.put(ByteArray(96) { 1 }).flip()
            // Confirmed attempts: the automatic bundle's policy sees them, and
            // none starts a bundle.
            val attempt = AttemptEvent("a1b2c3", Decision.ACCEPT, 1_790_000_000_000L, 1_790_000_000_120L, AttemptOutcome.Success, 1)
            val push = PushEvent("a1b2c3", 1_790_000_000_000L, 1_789_999_999_100L, 1_790_000_000_050L, PushDelivery.NOTIFICATION, AppPresence.BACKGROUND)
            val kept = ArrayList<LogEntry>(1 shl 20)
            val counter = Counter()
            val logBatch = LogBatch(agent, capacityBytes = 256 * 1024)
            // Every field of `entry` added, as an app would add it.
            fun addEntry() = logBatch.add(entry.level, entry.tag, entry.message, entry.timestampMs, entry.thread)
            val cases: List<Pair<String, () -> Double>> = listOf(
                "baseline: a Kotlin call that keeps the record in a list" to { kept.clear(); nanosPer(N) { repeat(N) { kept.add(entry.copy(timestampMs = it.toLong())) } } },
                // What JNA costs under uniffi's calls (the generated file's
                // internals: this file is compiled with it, in its module).
                "JNA: a direct-mapped call, no arguments, no Structure (uniffi's contract version)" to { nanosPer(N) { repeat(N) { IntegrityCheckingUniffiLib.ffi_pushdoctor_ffi_uniffi_contract_version() } } },
                "JNA: allocating uniffi's call status (a JNA Structure)" to { nanosPer(N) { repeat(N) { UniffiRustCallStatus() } } },
                "JNA: bareCall's C function, one call status reused" to { val status = UniffiRustCallStatus(); nanosPer(N) { repeat(N) { UniffiLib.uniffi_pushdoctor_ffi_fn_func_bare_call(status) } } },
                "bare: a uniffi function, no arguments" to { nanosPer(N) { repeat(N) { bareCall() } } },
                "bare: a uniffi method, no arguments" to { nanosPer(N) { repeat(N) { bare.call() } } },
                "bare: a uniffi function taking a LogEntry" to { nanosPer(N) { repeat(N) { bareLog(entry) } } },
                "bare: a uniffi method taking a LogEntry" to { nanosPer(N) { repeat(N) { bare.log(entry) } } },
                "bare: a uniffi method taking (LogLevel, String, String)" to { nanosPer(N) { repeat(N) { bare.logMessage(LogLevel.INFO, entry.tag, entry.message) } } },
                "bare: a uniffi method taking a direct ByteBuffer (&[u8])" to { nanosPer(N) { repeat(N) { bare.logPacked(packed) } } },
                "bare: a uniffi method taking 100 LogEntry, per record" to { nanosPer(N) { repeat(N / 100) { bare.logBatch(batch) } } },
                "agent.log(entry): one record across the FFI" to { nanosPer(N) { repeat(N) { agent.log(entry) } } },
                "agent.logBatch(100 entries), per record" to { nanosPer(N) { repeat(N / 100) { agent.logBatch(batch) } } },
                "LogBatch: one record added and flushed (the single-record path)" to { nanosPer(N) { repeat(N) { addEntry(); logBatch.flush() } } },
                "LogBatch: 100 records added and flushed, per record (Kotlin packing included)" to { nanosPer(N) { repeat(N / 100) { repeat(100) { addEntry() }; logBatch.flush() } } },
                "LogBatch: 1000 records added and flushed, per record (Kotlin packing included)" to { nanosPer(N) { repeat(N / 1000) { repeat(1000) { addEntry() }; logBatch.flush() } } },
                "LogBatch: adding one record in Kotlin (the packing alone)" to {
                    var adding = 0L
                    repeat(N / 1000) {
                        val start = System.nanoTime()
                        repeat(1000) { addEntry() }
                        adding += System.nanoTime() - start
                        logBatch.flush()
                    }
                    adding.toDouble() / N
                },
                "agent.recordAttempt(event): one Accept attempt into the history" to { nanosPer(N) { repeat(N) { agent.recordAttempt(attempt) } } },
                "agent.recordPush(event): one push into the history" to { nanosPer(N) { repeat(N) { agent.recordPush(push) } } },
                "baseline: a Kotlin-to-Kotlin listener call" to { nanosPer(N) { repeat(N) { counter.onProgress(ProgressStep.DIAGNOSIS, it, N) } } },
                "core to Kotlin: ProgressListener.onProgress callback" to { measureCallbackCost(counter, N).toDouble() / N },
            )
            val rows = LinkedHashMap<String, MutableList<Double>>()
            repeat(ROUNDS) { round ->
                for ((name, case) in cases) {
                    val value = case()
                    if (round >= WARMUP) rows.getOrPut(name) { mutableListOf() }.add(value)
                }
            }
            println("| what | median ns per call (${ROUNDS - WARMUP} rounds of $N after $WARMUP warm-up rounds) |")
            println("|---|---|")
            for ((name, samples) in rows) println("| $name | ${"%.0f".format(median(samples))} |")
            runBlocking { agent.shutdown() }
        }
    }
}

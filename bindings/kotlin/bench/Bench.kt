// The cost of crossing the FFI, measured on the JVM: a log record forwarded
// from Kotlin into the core (one at a time and in batches), and a callback
// from the core into Kotlin, each beside a baseline measured in the same
// run: the same work staying in Kotlin.

import kotlinx.coroutines.runBlocking
import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.DeviceFacts
import uniffi.pushdoctor_ffi.FocusFacts
import uniffi.pushdoctor_ffi.LogEntry
import uniffi.pushdoctor_ffi.LogLevel
import uniffi.pushdoctor_ffi.Platform
import uniffi.pushdoctor_ffi.NetworkFacts
import uniffi.pushdoctor_ffi.NotificationFacts
import uniffi.pushdoctor_ffi.PlatformProbe
import uniffi.pushdoctor_ffi.PowerFacts
import uniffi.pushdoctor_ffi.ProgressListener
import uniffi.pushdoctor_ffi.ProgressStep
import uniffi.pushdoctor_ffi.SettingsTarget
import uniffi.pushdoctor_ffi.measureCallbackCost
import uniffi.pushdoctor_ffi.PushDoctorAgent
import uniffi.pushdoctor_ffi.AttemptEvent
import uniffi.pushdoctor_ffi.AttemptOutcome
import uniffi.pushdoctor_ffi.Decision
import uniffi.pushdoctor_ffi.PushEvent
import uniffi.pushdoctor_ffi.PushDelivery
import uniffi.pushdoctor_ffi.AppPresence

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

fun nanosPer(count: Int, body: () -> Unit): Double {
    val start = System.nanoTime()
    body()
    return (System.nanoTime() - start).toDouble() / count
}

fun median(samples: List<Double>) = samples.sorted()[samples.size / 2]

fun main() {
    PushDoctorAgent(AgentConfig(platform = Platform.ANDROID, echoToPlatformLog = false), Phone).use { agent ->
        val entry = LogEntry(LogLevel.INFO, "Accept", "attempt 3 for request a1b2c3 took 120ms", 1_790_000_000_000L, "main", emptyList())
        val batch = List(100) { entry }
        // Confirmed attempts: the automatic bundle's policy sees them, and
        // none starts a bundle.
        val attempt = AttemptEvent("a1b2c3", Decision.ACCEPT, 1_790_000_000_000L, 1_790_000_000_120L, AttemptOutcome.Success, 1)
        val push = PushEvent("a1b2c3", 1_790_000_000_000L, 1_789_999_999_100L, 1_790_000_000_050L, PushDelivery.NOTIFICATION, AppPresence.BACKGROUND)
        val kept = ArrayList<LogEntry>(1 shl 20)
        val counter = Counter()
        val n = 20_000
        val rows = mutableMapOf<String, MutableList<Double>>()
        fun sample(name: String, value: Double) = rows.getOrPut(name) { mutableListOf() }.add(value)
        repeat(15) { round ->
            kept.clear()
            val baselineLog = nanosPer(n) { repeat(n) { kept.add(entry.copy(timestampMs = it.toLong())) } }
            val log = nanosPer(n) { repeat(n) { agent.log(entry) } }
            val batched = nanosPer(n) { repeat(n / 100) { agent.logBatch(batch) } }
            val attempted = nanosPer(n) { repeat(n) { agent.recordAttempt(attempt) } }
            val pushed = nanosPer(n) { repeat(n) { agent.recordPush(push) } }
            val baselineCallback = nanosPer(n) { repeat(n) { counter.onProgress(ProgressStep.DIAGNOSIS, it, n) } }
            val callback = measureCallbackCost(counter, n).toDouble() / n
            if (round >= 5) { // the first rounds warm the JIT up
                sample("baseline: a Kotlin call that keeps the record in a list", baselineLog)
                sample("agent.log(entry): one record across the FFI", log)
                sample("agent.logBatch(100 entries), per record", batched)
                sample("agent.recordAttempt(event): one Accept attempt into the history", attempted)
                sample("agent.recordPush(event): one push into the history", pushed)
                sample("baseline: a Kotlin-to-Kotlin listener call", baselineCallback)
                sample("core to Kotlin: ProgressListener.onProgress callback", callback)
            }
        }
        println("| what | median ns per call (10 rounds of $n) |")
        println("|---|---|")
        for ((name, samples) in rows) println("| $name | ${"%.0f".format(median(samples))} |")
        runBlocking { agent.shutdown() }
    }
}

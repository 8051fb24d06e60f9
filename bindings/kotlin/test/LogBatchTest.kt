// LogBatch, the Kotlin helper shipped with the bindings: records packed in
// Kotlin reach the capture exactly as `log(entry)` would put them there,
// whatever their size, from several threads, and a buffer not in the
// format is refused with a typed error instead of crashing the app.

import uniffi.pushdoctor_ffi.*
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.io.File
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.file.Files
import java.util.zip.ZipFile
import kotlin.concurrent.thread

class LogBatchTest {
    /** The captured records as a bundle's `logs.txt` holds them, a line each (docs/bundle.md). */
    private fun captured(agent: PushDoctorAgent, dir: File): List<String> {
        val bundle = runBlocking { agent.buildBundle(File(dir, "b-${System.nanoTime()}.zip").path, BundleReason.BUTTON) }
        return ZipFile(bundle).use { zip -> zip.getInputStream(zip.getEntry("logs.txt")).readBytes().decodeToString() }
            .lines().filter { it.isNotBlank() }
    }

    private fun withAgent(body: (PushDoctorAgent, File) -> Unit) {
        val dir = Files.createTempDirectory("pushdoctor-batch").toFile()
        try {
            agent(FakePhone(), File(dir, "logs")).use { agent ->
                body(agent, dir)
                runBlocking { agent.shutdown() }
            }
        } finally {
            dir.deleteRecursively()
        }
    }

    @Test
    fun aBatchCapturesWhatLogCapturesFieldForField() = withAgent { agent, dir ->
        val entries = listOf(
            LogEntry(LogLevel.ERROR, "Accept", "failed for bob@example.com: timeout", 1_790_000_000_001L, "main", listOf(LogField("request", "a1b2"), LogField("try", "2"))),
            LogEntry(LogLevel.WARN, "Push", "émoji 🙂 and ünïcode", 1_790_000_000_002L, null, emptyList()),
            LogEntry(LogLevel.INFO, "", "", 1_790_000_000_003L, "", listOf(LogField("", ""))),
            LogEntry(LogLevel.DEBUG, "Net", "x".repeat(3000), 1_790_000_000_004L, "worker-1", emptyList()),
        )
        for (entry in entries) agent.log(entry.copy(tag = "one." + entry.tag))
        LogBatch(agent).use { batch -> for (entry in entries) batch.add(entry.copy(tag = "batch." + entry.tag)) }
        val lines = captured(agent, dir)
        val one = lines.filter { it.contains(" one.") }.map { it.replace(" one.", " ") }
        val batched = lines.filter { it.contains(" batch.") }.map { it.replace(" batch.", " ") }
        assertEquals(4, one.size)
        assertEquals(one, batched)
        assertTrue("scrubbed like log's", batched.none { it.contains("bob@example.com") })
    }

    @Test
    fun aFullBatchFlushesByItselfAndALargeRecordGrowsIt() = withAgent { agent, dir ->
        val batch = LogBatch(agent, capacityBytes = 1024)
        repeat(500) { batch.add(LogLevel.INFO, "Accept", "record $it of a small batch", 1_790_000_000_000L + it) }
        assertTrue("it flushed when full, so it holds fewer than 500", batch.size < 500)
        batch.add(LogLevel.INFO, "Big", "y".repeat(10_000))
        batch.add(LogLevel.INFO, "Accept", "after the big one", null, Thread.currentThread().name)
        batch.close()
        assertEquals(0, batch.size)
        val lines = captured(agent, dir)
        assertEquals(500, lines.count { it.contains("of a small batch") })
        assertEquals((0 until 500).map { "record $it of" }, lines.mapNotNull { Regex("record \\d+ of").find(it)?.value })
        assertTrue(lines.any { it.contains("y".repeat(1000)) })
        val now = lines.single { it.contains("after the big one") }
        val stamped = java.time.Instant.parse(now.substringBefore(' ')).toEpochMilli()
        assertTrue("null means now: $stamped", Math.abs(System.currentTimeMillis() - stamped) < 60_000)
    }

    @Test
    fun threadsMayShareABatch() = withAgent { agent, dir ->
        val batch = LogBatch(agent, capacityBytes = 4096)
        val workers = (0 until 4).map { t ->
            thread { repeat(250) { batch.add(LogLevel.INFO, "Accept", "thread $t record $it", null, "t$t") } }
        }
        workers.forEach { it.join() }
        batch.flush()
        assertEquals(1000, captured(agent, dir).count { it.contains(" record ") })
    }

    @Test
    fun whatTheFormatCannotHoldIsRefusedInKotlin() = withAgent { agent, _ ->
        try {
            LogBatch(agent, capacityBytes = 10)
            fail("a 10-byte batch was accepted")
        } catch (e: IllegalArgumentException) {
            assertTrue(e.message!!, e.message!!.contains("capacityBytes"))
        }
        try {
            LogBatch(agent).add(LogLevel.INFO, "t", "m", null, null, List(70_000) { LogField("k", "v") })
            fail("70,000 fields were accepted")
        } catch (e: IllegalArgumentException) {
            assertTrue(e.message!!, e.message!!.contains("65535"))
        }
    }

    @Test
    fun closingFlushesAndAClosedBatchRefusesMore() = withAgent { agent, dir ->
        val batch = LogBatch(agent)
        batch.add(LogLevel.INFO, "Accept", "added before close")
        batch.close()
        batch.close() // a second close does nothing
        for (call in listOf<() -> Unit>({ batch.add(LogLevel.INFO, "t", "m") }, { batch.flush() })) {
            try {
                call()
                fail("a closed batch was used")
            } catch (e: IllegalStateException) {
                assertTrue(e.message!!, e.message!!.contains("closed"))
            }
        }
        assertEquals(1, captured(agent, dir).count { it.contains("added before close") })
        // The agent still works for a batch of its own after another closed.
        LogBatch(agent).use { it.add(LogLevel.INFO, "Accept", "a second batch") }
        assertEquals(1, captured(agent, dir).count { it.contains("a second batch") })
    }

    @Test
    fun aBufferNotInTheFormatIsATypedErrorNamingTheRecord() = withAgent { agent, dir ->
        // Version 1, one good record, then a record whose level is 9.
        val packed = ByteBuffer.allocateDirect(64).order(ByteOrder.LITTLE_ENDIAN)
        packed.put(1).put(3).putLong(1_790_000_000_000L)
        for (s in listOf("Tag", "the good one")) { packed.putInt(s.length); packed.put(s.toByteArray()) }
        packed.putInt(-1).putShort(0)
        packed.put(9)
        packed.flip()
        try {
            agent.logPacked(packed)
            fail("a bad level was accepted")
        } catch (e: AgentException.InvalidArgument) {
            assertTrue(e.reason, e.reason.contains("record 1") && e.reason.contains("level 9"))
        }
        val wrongVersion = ByteBuffer.allocateDirect(1).put(7).flip() as ByteBuffer
        try {
            agent.logPacked(wrongVersion)
            fail("version 7 was accepted")
        } catch (e: AgentException.InvalidArgument) {
            assertTrue(e.reason, e.reason.contains("version 7"))
        }
        assertEquals("the record before the bad one is kept", 1, captured(agent, dir).count { it.contains("the good one") })
    }
}

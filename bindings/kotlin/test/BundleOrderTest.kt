// Bundles are oldest first whatever the order in which records arrived: a
// record forwarded late by logBatch, with an earlier timestamp than one
// already logged, lands before it in logs.txt, in memory and on disk.

import uniffi.pushdoctor_ffi.*
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import uniffi.pushdoctor_ffi.LogEntry
import java.io.File
import java.nio.file.Files
import java.util.zip.ZipFile

class BundleOrderTest {
    private fun entry(message: String, timestampMs: Long) =
        LogEntry(LogLevel.INFO, "OrderTest", message, timestampMs, "main", emptyList())

    @Test
    fun aLateRecordWithAnEarlierTimestampLandsInOrder() = runBlocking {
        for (persisted in listOf(false, true)) {
            val dir = Files.createTempDirectory("pushdoctor-order").toFile()
            agent(FakePhone(), if (persisted) File(dir, "logs") else null).use { agent ->
                agent.log(entry("second", 1_790_000_002_000L))
                // Forwarded later, from a buffer: one older, one newer.
                agent.logBatch(listOf(entry("first", 1_790_000_001_000L), entry("third", 1_790_000_003_000L)))
                val bundle = agent.buildBundle(File(dir, "b.zip").path, BundleReason.BUTTON)
                val lines = ZipFile(bundle).use { zip ->
                    zip.getInputStream(zip.getEntry("logs.txt")).readBytes().decodeToString()
                }.lines().filter { it.isNotBlank() }
                // Each line starts with its RFC 3339 time, which sorts as text.
                val timestamps = lines.map { it.substringBefore(' ') }
                val mine = lines.filter { it.contains(" app OrderTest ") }.map { it.substringAfter(": ") }
                val where = if (persisted) "persisted" else "in memory"
                assertEquals(where, listOf("first", "second", "third"), mine)
                assertTrue("$where: oldest first: $timestamps", timestamps.zipWithNext().all { (a, b) -> a <= b })
                agent.shutdown()
            }
            dir.deleteRecursively()
        }
    }
}

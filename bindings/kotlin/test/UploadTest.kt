// Delivery from Kotlin: a bundle sent with the person's explicit consent
// to the app's endpoint (the JDK's own HTTP server on loopback, which
// answers 503 with Retry-After first), every event heard by the listener,
// the queue's state read back, and a plain-http URL refused before
// anything is queued.

import uniffi.pushdoctor_ffi.*
import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.io.File
import java.net.InetAddress
import java.net.InetSocketAddress
import java.nio.file.Files
import java.util.Collections

/** Keeps every upload event, as a screen would show them. */
class UploadRecorder : UploadListener {
    val events: MutableList<UploadEvent> = Collections.synchronizedList(mutableListOf())

    override fun onUpload(event: UploadEvent) {
        events.add(event)
    }
}

/** A bug-report endpoint: 503 with Retry-After to the first call, then it keeps the body. */
class ReportServer {
    val bodies: MutableList<ByteArray> = Collections.synchronizedList(mutableListOf())
    val authorizations: MutableList<String?> = Collections.synchronizedList(mutableListOf())
    private var calls = 0
    val server: HttpServer = HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0).apply {
        createContext("/reports") { exchange ->
            val body = exchange.requestBody.readAllBytes()
            calls += 1
            if (calls == 1) {
                exchange.responseHeaders.add("Retry-After", "1")
                exchange.sendResponseHeaders(503, -1)
            } else {
                bodies.add(body)
                authorizations.add(exchange.requestHeaders.getFirst("Authorization"))
                val answer = "{\"id\":\"INC-${bodies.size}\"}".toByteArray()
                exchange.sendResponseHeaders(201, answer.size.toLong())
                exchange.responseBody.write(answer)
            }
            exchange.close()
        }
        start()
    }
    val url get() = "http://127.0.0.1:${server.address.port}/reports"
}

class UploadTest {
    private fun agentIn(dir: File) = PushDoctorAgent(
        AgentConfig(platform = Platform.ANDROID, echoToPlatformLog = false, logDirectory = dir.path),
        FakePhone(),
    )

    @Test
    fun aConsentedBundleReachesTheEndpointAfterItsRetryAfter() = runBlocking {
        val dir = Files.createTempDirectory("pushdoctor-upload").toFile()
        val bundle = File(dir, "pushdoctor-bundle.zip").apply { writeBytes(ByteArray(40_000) { (it % 251).toByte() }) }
        val reports = ReportServer()
        try {
            agentIn(dir).use { agent ->
                val recorder = UploadRecorder()
                val started = System.nanoTime()
                val outcome = agent.uploadBundle(
                    bundle.path,
                    UploadDestination.Post(reports.url, listOf(UploadHeader("Authorization", "Bearer app-token"))),
                    UploadConsent.givenByPerson(System.currentTimeMillis()),
                    recorder,
                )
                assertEquals("INC-1", outcome.reference)
                assertTrue("Retry-After was honoured", System.nanoTime() - started >= 1_000_000_000L)
                assertEquals(2, recorder.events.size)
                val retrying = recorder.events[0] as UploadEvent.Retrying
                assertEquals(1000L, retrying.afterMs)
                assertEquals(UploadEvent.Uploaded(outcome.id, "INC-1", 2), recorder.events[1])
                assertArrayEquals(bundle.readBytes(), reports.bodies.single())
                assertEquals("Bearer app-token", reports.authorizations.single())
                val state = agent.uploadQueueState()
                assertTrue(state.entries.isEmpty())
                assertEquals(1L, state.delivered)
            }
        } finally {
            reports.server.stop(0)
            dir.deleteRecursively()
        }
    }

    @Test
    fun aPlainHttpUrlIsRefusedBeforeAnythingIsQueued() = runBlocking {
        val dir = Files.createTempDirectory("pushdoctor-upload").toFile()
        val bundle = File(dir, "b.zip").apply { writeBytes(ByteArray(10)) }
        try {
            agentIn(dir).use { agent ->
                try {
                    agent.uploadBundle(
                        bundle.path,
                        UploadDestination.Put("http://example.com/b.zip"),
                        UploadConsent.givenByPerson(System.currentTimeMillis()),
                    )
                    fail("plain http to another host was accepted")
                } catch (e: AgentException.InvalidArgument) {
                    assertTrue(e.reason, e.reason.contains("only for loopback"))
                }
                assertTrue(agent.uploadQueueState().entries.isEmpty())
            }
        } finally {
            dir.deleteRecursively()
        }
    }

    @Test
    fun consentCannotBeBackdatedBefore1970() {
        try {
            UploadConsent.givenByPerson(-1L)
            fail("a consent before 1970 was accepted")
        } catch (e: AgentException.InvalidArgument) {
            assertTrue(e.reason, e.reason.contains("before 1970"))
        }
    }
}

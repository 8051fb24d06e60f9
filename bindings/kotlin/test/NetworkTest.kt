// The network probes from Kotlin: real HTTP servers on loopback (the JDK's
// own com.sun.net.httpserver), reached by the core's prober through the
// agent, their findings and actions read back through the bindings.

import uniffi.pushdoctor_ffi.*
import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import uniffi.pushdoctor_ffi.AgentConfig
import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.NetworkCheckConfig
import uniffi.pushdoctor_ffi.PushDoctorAgent
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.ServerSocket

/** An HTTP server on 127.0.0.1 answering every request with [status]. */
fun loopbackServer(status: Int, location: String? = null): HttpServer {
    val server = HttpServer.create(InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0)
    server.createContext("/") { exchange ->
        exchange.requestBody.readAllBytes()
        location?.let { exchange.responseHeaders.add("Location", it) }
        exchange.sendResponseHeaders(status, -1)
        exchange.close()
    }
    server.start()
    return server
}

fun closedPort(): Int = ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { it.localPort }

fun networkedAgent(network: NetworkCheckConfig) = PushDoctorAgent(
    AgentConfig(platform = Platform.ANDROID, callbackTimeoutMs = 300L, echoToPlatformLog = false, network = network),
    FakePhone(),
)

class NetworkTest {
    @Test
    fun anUnavailableServiceAndABlockedPushServiceReachTheDiagnosis() = runBlocking {
        val service = loopbackServer(503)
        try {
            val network = NetworkCheckConfig(
                backendUrl = "http://127.0.0.1:${service.address.port}/health",
                skipCaptivePortal = true,
                pushEndpoints = listOf("127.0.0.1:${closedPort()}"),
                deadlineMs = 3000L,
            )
            networkedAgent(network).use { agent ->
                val report = agent.runDiagnostics(AppObservations(pushReceived = false), null)
                val status = report.findings.associate { it.check to it.status }
                assertEquals(CheckStatus.PASS, status[CheckId.BACKEND_REACHABLE])
                assertEquals(CheckStatus.FAIL, status[CheckId.SERVICE_AVAILABLE])
                assertEquals(CheckStatus.FAIL, status[CheckId.PUSH_SERVICE_REACHABLE])
                val ids = report.actions.map { it.id }
                assertTrue(ids.toString(), ActionId.SWITCH_NETWORK in ids && ActionId.WAIT_FOR_SERVICE in ids)
                val detail = report.findings.first { it.check == CheckId.PUSH_SERVICE_REACHABLE }.detail
                assertTrue(detail, detail.contains("connect failed (refused)"))
                agent.shutdown()
            }
        } finally {
            service.stop(0)
        }
    }

    @Test
    fun aCaptivePortalIsFoundByCheckNetwork() = runBlocking {
        val portal = loopbackServer(302, location = "http://login.hotel.example/")
        try {
            val network = NetworkCheckConfig(
                captivePortalUrl = "http://127.0.0.1:${portal.address.port}/generate_204",
                captivePortalStatus = 204,
                pushEndpoints = emptyList(),
            )
            networkedAgent(network).use { agent ->
                val report = agent.checkNetwork()
                val captive = report.findings.first { it.check == CheckId.CAPTIVE_PORTAL }
                assertEquals(CheckStatus.FAIL, captive.status)
                assertTrue(captive.detail, captive.detail.contains("login.hotel.example"))
                assertEquals(listOf(ActionId.SIGN_IN_TO_NETWORK), report.actions.map { it.id })
                assertEquals(SettingsTarget.NETWORK_SETTINGS, report.actions[0].settingsTarget)
                agent.shutdown()
            }
        } finally {
            portal.stop(0)
        }
    }

    @Test
    fun aBadNetworkConfigurationIsATypedError() {
        try {
            networkedAgent(NetworkCheckConfig(backendUrl = "http://mfa.example.com/"))
            fail("plain http to a remote host is refused")
        } catch (e: AgentException.InvalidArgument) {
            assertTrue(e.reason, e.reason.contains("https"))
        }
    }
}

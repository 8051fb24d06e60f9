package dev.pushdoctor.sample

import dev.pushdoctor.sample.report.ReportWriter
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.w3c.dom.Element
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.CheckStatus
import uniffi.pushdoctor_ffi.DiagnosisReport
import java.io.File
import java.io.IOException
import java.nio.file.Files
import javax.xml.parsers.DocumentBuilderFactory

/** The device farm's files: the diagnosis JSON and JUnit XML, from the real agent's report. */
class ReportWriterTest {
    private fun report(phone: ExamplePhone): DiagnosisReport = runBlocking {
        testAgent(phone).use { agent -> agent.runDiagnostics(AppObservations(pushReceived = false), null).also { agent.shutdown() } }
    }

    private fun elements(parent: Element, tag: String): List<Element> =
        parent.getElementsByTagName(tag).let { nodes -> (0 until nodes.length).map { nodes.item(it) as Element } }

    @Test
    fun writesTheJsonUnchangedAndAJunitCasePerCheck() {
        val dir = Files.createTempDirectory("pushdoctor-farm").toFile()
        try {
            val report = report(ExamplePhone(notificationsEnabled = false))
            val written = ReportWriter(File(dir, "nested/farm")).write(report, "Pixel 8 <API 35>", elapsedMs = 1_234)
            assertEquals(report.json, written.json.readText())
            assertEquals("diagnosis.json", written.json.name)
            assertFalse(File(written.json.path + ".partial").exists())

            val suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(written.junitXml).documentElement
            assertEquals("testsuite", suite.tagName)
            assertEquals("Pixel 8 <API 35>", suite.getAttribute("name"))
            assertEquals("1.234", suite.getAttribute("time"))
            val cases = elements(suite, "testcase")
            assertEquals(report.findings.size, cases.size)
            assertEquals(report.findings.size.toString(), suite.getAttribute("tests"))
            val failing = report.findings.filter { it.status == CheckStatus.FAIL }
            assertTrue("the example phone has a failing check", failing.isNotEmpty())
            assertEquals(failing.size.toString(), suite.getAttribute("failures"))
            assertEquals("0", suite.getAttribute("errors"))
            // The notifications check fails, with the finding's own sentence.
            val notifications = report.findings.single { it.check.name == "NOTIFICATIONS_ENABLED" }
            val case = cases.single { it.getAttribute("name") == "notifications_enabled" }
            assertEquals(notifications.detail, elements(case, "failure").single().getAttribute("message"))
            // A passing check has no child.
            val passing = report.findings.first { it.status == CheckStatus.PASS }
            assertEquals(0, cases.single { it.getAttribute("name") == passing.check.name.lowercase() }.childNodes.length)
            val properties = elements(suite, "property").associate { it.getAttribute("name") to it.getAttribute("value") }
            assertEquals(report.scenario?.name, properties["scenario"])
            assertEquals(report.escalation.name, properties["escalation"])
        } finally {
            dir.deleteRecursively()
        }
    }

    @Test
    fun factsThePhoneCouldNotGiveAreErrors() {
        val dir = Files.createTempDirectory("pushdoctor-farm").toFile()
        try {
            val report = runBlocking {
                testAgent(SilentPhone()).use { it.runDiagnostics(AppObservations(), null).also { _ -> it.shutdown() } }
            }
            assertEquals(5, report.probeIssues.size)
            val written = ReportWriter(dir).write(report, "silent")
            val suite = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(written.junitXml).documentElement
            assertEquals("5", suite.getAttribute("errors"))
            val errors = elements(suite, "error")
            assertEquals(report.probeIssues.map { it.reason }.sorted(), errors.map { it.getAttribute("message") }.sorted())
            assertEquals(report.findings.size + 5, elements(suite, "testcase").size)
        } finally {
            dir.deleteRecursively()
        }
    }

    @Test
    fun textXmlCannotHoldIsEscapedOrReplaced() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;", ReportWriter.escape("a <b> & \"c\" 'd'"))
        assertEquals("line&#10;two&#9;x", ReportWriter.escape("line\ntwo\tx"))
        assertEquals("\uFFFDbell \uFFFD lone", ReportWriter.escape("\u0007bell \uD800 lone"))
        assertEquals("emoji \uD83D\uDCF1 kept", ReportWriter.escape("emoji \uD83D\uDCF1 kept"))
    }

    @Test
    fun aDirectoryThatCannotBeMadeIsAnIoErrorNamingIt() {
        val file = Files.createTempFile("pushdoctor-farm", ".txt").toFile()
        try {
            val report = report(ExamplePhone())
            ReportWriter(File(file, "farm")).write(report, "x")
            fail("a report was written under a file")
        } catch (e: IOException) {
            assertTrue(e.message, e.message!!.contains(file.path))
        } finally {
            file.delete()
        }
    }
}

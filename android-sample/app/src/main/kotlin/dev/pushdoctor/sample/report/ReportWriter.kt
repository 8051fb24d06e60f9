package dev.pushdoctor.sample.report

import uniffi.pushdoctor_ffi.CheckStatus
import uniffi.pushdoctor_ffi.DiagnosisReport
import java.io.File
import java.io.IOException

/** The two files one run leaves for a device farm. */
data class WrittenReport(val json: File, val junitXml: File)

/**
 * Writes a diagnosis where a device farm collects it: `diagnosis.json`
 * (the core's JSON, unchanged) and `junit.xml`, one test case per check
 * (a failing check is a `<failure>`, an unknown or not applicable one
 * `<skipped>`) and one
 * per platform fact that could not be had (an `<error>`), so a farm's
 * JUnit view shows what the phone's settings are.
 */
class ReportWriter(private val directory: File) {
    /**
     * Writes both files for [report], named after [suiteName] in the XML
     * (the device, say). Throws an [IOException] naming the directory or
     * the file that could not be written.
     */
    fun write(report: DiagnosisReport, suiteName: String, elapsedMs: Long = 0): WrittenReport {
        if (!directory.isDirectory && !directory.mkdirs()) {
            throw IOException("cannot create the report directory ${directory.path}")
        }
        val json = File(directory, JSON_FILE)
        val xml = File(directory, JUNIT_FILE)
        writeText(json, report.json)
        writeText(xml, junitXml(report, suiteName, elapsedMs))
        return WrittenReport(json, xml)
    }

    private fun writeText(file: File, text: String) {
        try {
            // Written beside, then renamed: a farm that pulls the folder
            // mid-write never gets half a file.
            val partial = File(file.path + ".partial")
            partial.writeText(text, Charsets.UTF_8)
            if (!partial.renameTo(file)) throw IOException("cannot rename ${partial.path} to ${file.name}")
        } catch (e: IOException) {
            throw IOException("cannot write ${file.path}: ${e.message}", e)
        }
    }

    companion object {
        const val JSON_FILE = "diagnosis.json"
        const val JUNIT_FILE = "junit.xml"

        /** [report] as a JUnit XML document (the Ant/Surefire schema farms read). */
        fun junitXml(report: DiagnosisReport, suiteName: String, elapsedMs: Long = 0): String {
            val checks = report.findings
            val failures = checks.count { it.status == CheckStatus.FAIL }
            val skipped = checks.count { it.status == CheckStatus.UNKNOWN || it.status == CheckStatus.NOT_APPLICABLE }
            val errors = report.probeIssues.size
            val tests = checks.size + errors
            val seconds = String.format(java.util.Locale.ROOT, "%.3f", elapsedMs / 1000.0)
            val out = StringBuilder()
            out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            out.append("<testsuite name=\"").append(escape(suiteName)).append("\" tests=\"").append(tests)
                .append("\" failures=\"").append(failures).append("\" errors=\"").append(errors)
                .append("\" skipped=\"").append(skipped).append("\" time=\"").append(seconds).append("\">\n")
            out.append("  <properties>\n")
            property(out, "scenario", report.scenario?.name ?: "none")
            property(out, "destination", report.destination?.name ?: "none")
            property(out, "outcome", report.outcome?.id?.name ?: "none")
            property(out, "escalation", report.escalation.name)
            out.append("  </properties>\n")
            for (finding in checks) {
                out.append("  <testcase classname=\"pushdoctor.checks\" name=\"")
                    .append(escape(finding.check.name.lowercase())).append("\" time=\"0\"")
                when (finding.status) {
                    CheckStatus.PASS -> out.append("/>\n")
                    CheckStatus.FAIL -> out.append(">\n    <failure message=\"").append(escape(finding.detail))
                        .append("\">").append(escape(finding.title)).append("</failure>\n  </testcase>\n")
                    // Unknown (nobody could tell) and not applicable (another
                    // platform, an older Android) are neither a pass nor a failure.
                    CheckStatus.UNKNOWN, CheckStatus.NOT_APPLICABLE -> out.append(">\n    <skipped message=\"")
                        .append(escape(finding.detail)).append("\"/>\n  </testcase>\n")
                }
            }
            for (issue in report.probeIssues) {
                out.append("  <testcase classname=\"pushdoctor.platform\" name=\"")
                    .append(escape(issue.probe.name.lowercase())).append("\" time=\"0\">\n    <error message=\"")
                    .append(escape(issue.reason)).append("\"/>\n  </testcase>\n")
            }
            out.append("</testsuite>\n")
            return out.toString()
        }

        private fun property(out: StringBuilder, name: String, value: String) {
            out.append("    <property name=\"").append(name).append("\" value=\"").append(escape(value)).append("\"/>\n")
        }

        /**
         * [text] as XML 1.0 attribute or element text: the five special
         * characters escaped, and the characters XML 1.0 cannot hold at
         * all (most control characters, lone surrogates) replaced by U+FFFD,
         * so that a finding's words never make the file unreadable.
         */
        fun escape(text: String): String {
            val out = StringBuilder(text.length)
            var i = 0
            while (i < text.length) {
                val c = text[i]
                when {
                    c == '&' -> out.append("&amp;")
                    c == '<' -> out.append("&lt;")
                    c == '>' -> out.append("&gt;")
                    c == '"' -> out.append("&quot;")
                    c == '\'' -> out.append("&apos;")
                    c == '\n' -> out.append("&#10;")
                    c == '\r' -> out.append("&#13;")
                    c == '\t' -> out.append("&#9;")
                    c.isHighSurrogate() && i + 1 < text.length && text[i + 1].isLowSurrogate() -> {
                        out.append(c).append(text[i + 1])
                        i += 1
                    }
                    c < ' ' || c.isSurrogate() || c == '\uFFFE' || c == '\uFFFF' -> out.append('\uFFFD')
                    else -> out.append(c)
                }
                i += 1
            }
            return out.toString()
        }
    }
}

package dev.pushdoctor.sample

import android.app.Application
import android.content.Intent
import android.net.Uri
import android.provider.OpenableColumns
import dev.pushdoctor.sample.share.LogShareProvider
import dev.pushdoctor.sample.share.LogSharer
import dev.pushdoctor.sample.share.ShareIntents
import dev.pushdoctor.sample.share.SharedBundles
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import org.junit.runner.RunWith
import org.robolectric.Robolectric
import org.robolectric.RuntimeEnvironment
import org.robolectric.annotation.Config
import uniffi.pushdoctor_ffi.AgentException
import uniffi.pushdoctor_ffi.AppObservations
import uniffi.pushdoctor_ffi.BundleReason
import java.io.File
import java.util.zip.ZipInputStream

/**
 * "Send logs to the developer": the real agent's bundle, served by the
 * app's provider, sent through the share sheet; on the framework's own
 * classes (Robolectric, SDK 35).
 */
@RunWith(SampleTestRunner::class)
@Config(sdk = [35])
class ShareLogsTest {
    private val context: Application get() = RuntimeEnvironment.getApplication()
    private val authority get() = LogShareProvider.authority(context.packageName)

    @Test
    fun theSendIntentCarriesTheBundleItsGrantAndTheWords() {
        val bundle = Uri.parse("content://$authority/bundles/pushdoctor-logs-1.zip")
        val send = ShareIntents.sendBundle(bundle, "Push Doctor logs", "Logs from my phone", listOf("dev@example.com"))
        assertEquals(Intent.ACTION_SEND, send.action)
        assertEquals("application/zip", send.type)
        assertEquals(bundle, send.getParcelableExtra(Intent.EXTRA_STREAM, Uri::class.java))
        assertEquals("Push Doctor logs", send.getStringExtra(Intent.EXTRA_SUBJECT))
        assertEquals("Logs from my phone", send.getStringExtra(Intent.EXTRA_TEXT))
        assertArrayEquals(arrayOf("dev@example.com"), send.getStringArrayExtra(Intent.EXTRA_EMAIL))
        assertTrue(send.flags and Intent.FLAG_GRANT_READ_URI_PERMISSION != 0)
        assertEquals(bundle, send.clipData!!.getItemAt(0).uri)

        val chooser = ShareIntents.chooser(send, "Send logs to the developer")
        assertEquals(Intent.ACTION_CHOOSER, chooser.action)
        assertEquals("Send logs to the developer", chooser.getCharSequenceExtra(Intent.EXTRA_TITLE).toString())
        assertEquals(send.action, chooser.getParcelableExtra(Intent.EXTRA_INTENT, Intent::class.java)!!.action)
        assertTrue(chooser.flags and Intent.FLAG_GRANT_READ_URI_PERMISSION != 0)
        // No recipient known: no EXTRA_EMAIL at all.
        assertNull(ShareIntents.sendBundle(bundle, "s", "t").getStringArrayExtra(Intent.EXTRA_EMAIL))
    }

    @Test
    fun aBuiltBundleIsServedByTheProviderWithItsNameAndSize() = runBlocking {
        val bundles = LogShareProvider.sharedBundles(context)
        val provider = Robolectric.buildContentProvider(LogShareProvider::class.java).create(authority).get()
        testAgent(ExamplePhone(notificationsEnabled = false)).use { agent ->
            agent.runDiagnostics(AppObservations(pushReceived = false), null)
            val shared = LogSharer(agent, bundles, clock = { 42L }).buildAndShare(BundleReason.BUTTON)
            val uri = shared.uri
            // Named, worded and referenced as the agent suggests.
            val details = shared.details
            assertTrue(details.reference, Regex("PD-[0-9A-F]{4}-[0-9A-F]{4}").matches(details.reference))
            assertTrue(details.fileName, details.fileName.startsWith("pushdoctor-android-") && details.fileName.endsWith(".zip"))
            assertTrue(details.subject, details.subject.startsWith("Push Doctor logs ${details.reference}: "))
            assertTrue(details.text, details.text.contains("Quote ${details.reference} to support."))
            assertEquals(Uri.parse("content://$authority/bundles/${details.fileName}"), uri)
            val file = bundles.fileFor(uri)!!
            assertEquals(File(context.cacheDir, "shared-bundles/${details.fileName}").canonicalFile, file.canonicalFile)
            assertTrue("the built file was renamed, not copied", !File(context.cacheDir, "shared-bundles/pushdoctor-logs-42.zip").exists())

            assertEquals("application/zip", provider.getType(uri))
            provider.query(uri, null, null, null, null).use { cursor ->
                assertTrue(cursor.moveToFirst())
                assertEquals(details.fileName, cursor.getString(cursor.getColumnIndexOrThrow(OpenableColumns.DISPLAY_NAME)))
                assertEquals(file.length(), cursor.getLong(cursor.getColumnIndexOrThrow(OpenableColumns.SIZE)))
            }
            // What the receiving app reads is the agent's bundle, with the diagnosis in it.
            val names = provider.openFile(uri, "r").use { fd ->
                ZipInputStream(java.io.FileInputStream(fd.fileDescriptor)).use { zip ->
                    generateSequence { zip.nextEntry?.name }.toList()
                }
            }
            assertTrue(names.toString(), "diagnosis.json" in names && "logs.txt" in names)
            try {
                provider.openFile(uri, "w")
                fail("a shared bundle was opened for writing")
            } catch (e: SecurityException) {
                assertTrue(e.message, e.message!!.contains("read-only"))
            }
            agent.shutdown()
        }
    }

    @Test
    fun anAddressOutsideTheSharedFolderResolvesToNothing() {
        val bundles = SharedBundles(File(context.cacheDir, "shared-bundles"), authority)
        File(context.cacheDir, "secret.zip").writeText("not shared")
        for (address in listOf(
            "content://$authority/bundles/../secret.zip",
            "content://$authority/bundles/%2E%2E%2Fsecret.zip",
            "content://$authority/other/pushdoctor-logs-1.zip",
            "content://$authority/bundles/pushdoctor-logs-1.txt",
            "content://$authority/bundles/a/b.zip",
            "content://someone.else/bundles/pushdoctor-logs-1.zip",
            "file:///bundles/pushdoctor-logs-1.zip",
        )) {
            assertNull(address, bundles.fileFor(Uri.parse(address)))
        }
        try {
            bundles.uriFor(File(context.cacheDir, "secret.zip"))
            fail("a file outside the shared folder got an address")
        } catch (e: IllegalArgumentException) {
            assertTrue(e.message, e.message!!.contains("not in the shared folder"))
        }
    }

    @Test
    fun anAutomaticBundleIsSharedAsACopyAndANonBundleIsRefused() = runBlocking {
        val bundles = LogShareProvider.sharedBundles(context)
        testAgent(ExamplePhone()).use { agent ->
            val made = agent.buildBundle(File(context.filesDir, "auto.zip").path, BundleReason.REPEATED_ACCEPT_FAILURES)
            val shared = LogSharer(agent, bundles, clock = { 7L }).shareExisting(made)
            assertArrayEquals(File(made).readBytes(), bundles.fileFor(shared.uri)!!.readBytes())
            assertTrue("the agent's own bundle stays", File(made).isFile)
            assertTrue(shared.details.text, shared.details.text.contains("Accept failed again and again"))
            try {
                LogSharer(agent, bundles).shareExisting(File(context.filesDir, "gone.zip").path)
                fail("a missing bundle was shared")
            } catch (e: IllegalArgumentException) {
                assertTrue(e.message, e.message!!.contains("gone.zip"))
            }
            val notABundle = File(context.filesDir, "notes.zip").apply { writeBytes(byteArrayOf(1, 2, 3)) }
            try {
                LogSharer(agent, bundles, clock = { 8L }).shareExisting(notABundle.path)
                fail("a file that is not a bundle was shared")
            } catch (e: AgentException.InvalidArgument) {
                assertTrue(e.message, e.message!!.contains("pushdoctor-logs-8.zip"))
            }
            assertTrue("nothing half-made stays shared", !File(bundles.directory, "pushdoctor-logs-8.zip").exists())
            agent.shutdown()
        }
    }
}

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
            val uri = LogSharer(agent, bundles, clock = { 42L }).buildAndShare(BundleReason.BUTTON)
            assertEquals(Uri.parse("content://$authority/bundles/pushdoctor-logs-42.zip"), uri)
            val file = bundles.fileFor(uri)!!
            assertEquals(File(context.cacheDir, "shared-bundles/pushdoctor-logs-42.zip").canonicalFile, file.canonicalFile)

            assertEquals("application/zip", provider.getType(uri))
            provider.query(uri, null, null, null, null).use { cursor ->
                assertTrue(cursor.moveToFirst())
                assertEquals("pushdoctor-logs-42.zip", cursor.getString(cursor.getColumnIndexOrThrow(OpenableColumns.DISPLAY_NAME)))
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
    fun anAutomaticBundleIsSharedAsACopy() {
        val bundles = LogShareProvider.sharedBundles(context)
        val made = File(context.filesDir, "auto.zip").apply { writeBytes(byteArrayOf(1, 2, 3)) }
        testAgent(ExamplePhone()).use { agent ->
            val uri = LogSharer(agent, bundles, clock = { 7L }).shareExisting(made.path)
            assertArrayEquals(byteArrayOf(1, 2, 3), bundles.fileFor(uri)!!.readBytes())
            try {
                LogSharer(agent, bundles).shareExisting(File(context.filesDir, "gone.zip").path)
                fail("a missing bundle was shared")
            } catch (e: IllegalArgumentException) {
                assertTrue(e.message, e.message!!.contains("gone.zip"))
            }
        }
    }
}

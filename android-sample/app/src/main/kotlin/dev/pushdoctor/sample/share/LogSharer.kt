package dev.pushdoctor.sample.share

import android.net.Uri
import uniffi.pushdoctor_ffi.BundleReason
import uniffi.pushdoctor_ffi.PushDoctorAgent
import java.io.File

/**
 * "Send logs to the developer": has the agent build a bundle (logs,
 * history, the latest diagnosis, redacted) into the shared folder, or
 * copies one the agent already made by itself, and returns its address for
 * [ShareIntents.sendBundle].
 */
class LogSharer(
    private val agent: PushDoctorAgent,
    private val bundles: SharedBundles,
    private val clock: () -> Long = System::currentTimeMillis,
) {
    /** Builds a new bundle for [reason]; returns its address. */
    suspend fun buildAndShare(reason: BundleReason = BundleReason.BUTTON): Uri {
        val file = bundles.newBundleFile(clock())
        val path = agent.buildBundle(file.path, reason)
        return bundles.uriFor(File(path))
    }

    /** Shares a bundle the agent built by itself (the automatic bundle): copied, so the agent's rotation never removes it mid-share. */
    fun shareExisting(path: String): Uri {
        val source = File(path)
        require(source.isFile) { "there is no bundle at $path" }
        val copy = bundles.newBundleFile(clock())
        source.copyTo(copy, overwrite = true)
        return bundles.uriFor(copy)
    }
}

package dev.pushdoctor.sample.share

import android.net.Uri
import uniffi.pushdoctor_ffi.BundleReason
import uniffi.pushdoctor_ffi.BundleShare
import uniffi.pushdoctor_ffi.PushDoctorAgent
import java.io.File

/** A bundle ready for the share sheet: its address and what the agent says it is. */
data class SharedBundle(
    /** The `content://` address [LogShareProvider] serves it at. */
    val uri: Uri,
    /** The agent's file name, subject, text and reference for it. */
    val details: BundleShare,
)

/**
 * "Send logs to the developer": has the agent build a bundle (logs,
 * history, the latest diagnosis, redacted) into the shared folder, or
 * copies one the agent already made by itself, names it as the agent
 * suggests (`agent.shareDetails`: the reference the person quotes to
 * support is in the name, the subject and the text), and returns it for
 * [ShareIntents.sendBundle].
 */
class LogSharer(
    private val agent: PushDoctorAgent,
    private val bundles: SharedBundles,
    private val clock: () -> Long = System::currentTimeMillis,
) {
    /** Builds a new bundle for [reason]. */
    suspend fun buildAndShare(reason: BundleReason = BundleReason.BUTTON): SharedBundle {
        val file = bundles.newBundleFile(clock())
        val path = agent.buildBundle(file.path, reason)
        return named(File(path))
    }

    /** Shares a bundle the agent built by itself (the automatic bundle): copied, so the agent's rotation never removes it mid-share. */
    suspend fun shareExisting(path: String): SharedBundle {
        val source = File(path)
        require(source.isFile) { "there is no bundle at $path" }
        val copy = bundles.newBundleFile(clock())
        source.copyTo(copy, overwrite = true)
        return named(copy)
    }

    /** [file] renamed to the agent's suggested name, beside where it is. */
    private suspend fun named(file: File): SharedBundle {
        val details = try {
            agent.shareDetails(file.path)
        } catch (e: Exception) {
            file.delete() // not a bundle: nothing half-made stays shared
            throw e
        }
        val target = File(file.parentFile, details.fileName)
        if (target != file && !file.renameTo(target)) {
            throw java.io.IOException("cannot rename ${file.name} to ${target.name}")
        }
        return SharedBundle(bundles.uriFor(target), details)
    }
}

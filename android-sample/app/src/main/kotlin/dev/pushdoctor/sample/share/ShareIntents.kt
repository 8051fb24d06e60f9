package dev.pushdoctor.sample.share

import android.content.ClipData
import android.content.Intent
import android.net.Uri

/** The share sheet's intents for "Send logs to the developer". */
object ShareIntents {
    /** A zip, the MIME type the bundles are shared as. */
    const val BUNDLE_TYPE = "application/zip"

    /**
     * `ACTION_SEND` of the bundle at [bundle] (a `content://` address of
     * [LogShareProvider]), with [subject] and [text] for a mail app, the
     * read grant on the address (in the extra and in the ClipData, which is
     * what carries the grant to the chosen app), and [to] as the
     * recipients when the app knows its developer's address.
     */
    fun sendBundle(bundle: Uri, subject: String, text: String, to: List<String> = emptyList()): Intent =
        Intent(Intent.ACTION_SEND).apply {
            type = BUNDLE_TYPE
            putExtra(Intent.EXTRA_STREAM, bundle)
            putExtra(Intent.EXTRA_SUBJECT, subject)
            putExtra(Intent.EXTRA_TEXT, text)
            if (to.isNotEmpty()) putExtra(Intent.EXTRA_EMAIL, to.toTypedArray())
            clipData = ClipData.newRawUri(subject, bundle)
            addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
        }

    /** The share sheet around [send], titled [title]; the grant flag travels with it. */
    fun chooser(send: Intent, title: String): Intent =
        Intent.createChooser(send, title).addFlags(Intent.FLAG_GRANT_READ_URI_PERMISSION)
}

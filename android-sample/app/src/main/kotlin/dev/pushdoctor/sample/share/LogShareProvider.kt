package dev.pushdoctor.sample.share

import android.content.ContentProvider
import android.content.ContentValues
import android.database.Cursor
import android.database.MatrixCursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import android.provider.OpenableColumns
import java.io.File
import java.io.FileNotFoundException

/**
 * Serves the log bundles the person chose to share, read-only, to the app
 * they picked in the share sheet: the framework's own `ContentProvider`,
 * since androidx's `FileProvider` is not on Maven Central. It serves only
 * the files [SharedBundles] resolves (one folder, `.zip` names), and only
 * to apps the share intent granted the address to (the provider is not
 * exported; `grantUriPermissions` is on in the manifest).
 */
class LogShareProvider : ContentProvider() {
    private lateinit var bundles: SharedBundles

    override fun onCreate(): Boolean {
        val context = context ?: return false
        bundles = sharedBundles(context)
        return true
    }

    override fun getType(uri: Uri): String? = bundles.fileFor(uri)?.let { ShareIntents.BUNDLE_TYPE }

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        if (mode != "r") throw SecurityException("shared bundles are read-only, not '$mode'")
        val file = existing(uri)
        return ParcelFileDescriptor.open(file, ParcelFileDescriptor.MODE_READ_ONLY)
    }

    /** The name and size a receiving app shows (`OpenableColumns`). */
    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, selectionArgs: Array<out String>?, sortOrder: String?): Cursor {
        val file = existing(uri)
        val columns = projection ?: arrayOf(OpenableColumns.DISPLAY_NAME, OpenableColumns.SIZE)
        val row = columns.map { column ->
            when (column) {
                OpenableColumns.DISPLAY_NAME -> file.name
                OpenableColumns.SIZE -> file.length()
                else -> null
            }
        }
        return MatrixCursor(columns, 1).apply { addRow(row) }
    }

    private fun existing(uri: Uri): File {
        val file = bundles.fileFor(uri) ?: throw FileNotFoundException("no shared bundle at $uri")
        if (!file.isFile) throw FileNotFoundException("the shared bundle ${file.name} is gone")
        return file
    }

    override fun insert(uri: Uri, values: ContentValues?): Uri? = throw UnsupportedOperationException("shared bundles are read-only")

    override fun update(uri: Uri, values: ContentValues?, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException("shared bundles are read-only")

    override fun delete(uri: Uri, selection: String?, selectionArgs: Array<out String>?): Int =
        throw UnsupportedOperationException("shared bundles are read-only")

    companion object {
        /** The bundles shared from [context]'s cache, under this app's provider authority. */
        fun sharedBundles(context: android.content.Context) =
            SharedBundles(File(context.cacheDir, "shared-bundles"), authority(context.packageName))

        /** The provider's authority, as the manifest declares it. */
        fun authority(packageName: String) = "$packageName.logs"
    }
}

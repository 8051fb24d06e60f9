package dev.pushdoctor.sample.share

import android.net.Uri
import java.io.File

/**
 * The one mapping between the bundles the app shares and their
 * `content://` addresses: `content://<authority>/bundles/<name>.zip` for a
 * file directly in [directory]. [LogShareProvider] serves only what
 * [fileFor] resolves, so no address can reach another file.
 */
class SharedBundles(val directory: File, val authority: String) {
    /** The address of [file], which must be a `.zip` directly in [directory]. */
    fun uriFor(file: File): Uri {
        require(file.parentFile?.canonicalFile == directory.canonicalFile) {
            "${file.path} is not in the shared folder ${directory.path}"
        }
        require(NAME.matches(file.name)) { "'${file.name}' is not a bundle's name (letters, digits, '.', '_', '-', ending in .zip)" }
        return Uri.Builder().scheme("content").authority(authority).appendPath(SEGMENT).appendPath(file.name).build()
    }

    /** The file [uri] names, or null when it names nothing this provider shares. */
    fun fileFor(uri: Uri): File? {
        if (uri.scheme != "content" || uri.authority != authority) return null
        val segments = uri.pathSegments
        if (segments.size != 2 || segments[0] != SEGMENT || !NAME.matches(segments[1])) return null
        val file = File(directory, segments[1])
        // The name pattern already keeps out "/" and "..": checked again on
        // the real path, in case the folder holds a link.
        return file.takeIf { it.canonicalFile.parentFile == directory.canonicalFile }
    }

    /** A new file for a bundle about to be built, named after [stamp] (a time). */
    fun newBundleFile(stamp: Long): File {
        if (!directory.isDirectory && !directory.mkdirs()) {
            throw java.io.IOException("cannot create the shared folder ${directory.path}")
        }
        return File(directory, "pushdoctor-logs-$stamp.zip")
    }

    private companion object {
        const val SEGMENT = "bundles"
        val NAME = Regex("[A-Za-z0-9][A-Za-z0-9._-]{0,120}\\.zip")
    }
}

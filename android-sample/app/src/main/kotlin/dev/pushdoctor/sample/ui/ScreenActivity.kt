package dev.pushdoctor.sample.ui

import android.app.Activity
import android.content.ActivityNotFoundException
import dev.pushdoctor.sample.R
import dev.pushdoctor.sample.share.ShareIntents
import dev.pushdoctor.sample.share.SharedBundle
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel

/**
 * A screen with its own coroutine scope on the main thread, cancelled when
 * it is destroyed (the framework's Activity has no lifecycleScope: that is
 * androidx). Cancelling cancels a diagnosis or a bundle still running.
 */
abstract class ScreenActivity : Activity() {
    protected val scope: CoroutineScope = MainScope()

    /**
     * The view [id] of this screen's layout. `findViewById` is `@Nullable`
     * in the framework; a missing view is a layout that does not match its
     * screen, said by name.
     */
    protected fun <T : android.view.View> view(id: Int): T =
        checkNotNull(findViewById<T>(id)) { "no view ${resources.getResourceEntryName(id)} in this screen's layout" }

    override fun onDestroy() {
        scope.cancel()
        super.onDestroy()
    }

    /** Opens the share sheet for [shared] ("Send logs to the developer"), with the agent's subject and text. */
    protected fun shareBundle(shared: SharedBundle) {
        val text = getString(R.string.share_text) + "\n\n" + shared.details.text
        val send = ShareIntents.sendBundle(shared.uri, shared.details.subject, text)
        try {
            startActivity(ShareIntents.chooser(send, getString(R.string.share_chooser)))
        } catch (e: ActivityNotFoundException) {
            services.logs.error("Share", "no app can receive the bundle: ${e.message}")
        }
    }
}

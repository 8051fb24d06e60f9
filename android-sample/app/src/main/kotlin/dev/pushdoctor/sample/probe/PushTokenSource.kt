package dev.pushdoctor.sample.probe

/**
 * Whether the app's own push code holds a registered push token (FCM or
 * another provider): the probe cannot know it from the framework, so the
 * app fills this in. Never hands over the token itself.
 */
fun interface PushTokenSource {
    /** `true` when a token is registered, `false` when none is, `null` when the app cannot tell yet. */
    fun isRegistered(): Boolean?
}

package dev.pushdoctor.sample

/** The notification channels the sample posts on, by id (their names are resources). */
object SampleChannels {
    /**
     * The channel login requests arrive on: the probe reads its importance
     * and whether it may break through Do Not Disturb.
     */
    const val MFA_REQUESTS = "mfa_requests"
}

-- Whether a tenant's phones may send plain RTP (an offer of RTP/AVP without a=crypto). Off by
-- default: such offers are answered 488. When on, the relay still gives the other leg SRTP.
ALTER TABLE tenants
    ADD COLUMN media_plain_rtp boolean NOT NULL DEFAULT false;

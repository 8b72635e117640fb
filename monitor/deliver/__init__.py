"""The deliver stage: send a rendered digest to one target.

In: a ``Delivery`` (the digest, rendered once, with its identity) and a typed ``Target``.
Out: a short description of what was done, or a ``DeliveryError`` (``permanent`` when
retrying cannot help). The registry is ``channels.CHANNELS``; the relay owns claims and
retries. Channels never see the config: what they need is in the target.
"""

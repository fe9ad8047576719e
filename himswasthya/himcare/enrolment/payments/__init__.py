"""HIMCARE premium payments: a Razorpay-style gateway client and a local simulator of the gateway."""

"""The Keycloak variant of the stand-in portal: eEspresso behind an identity server.

``idp.create_idp_app`` is Keycloak 26 as a browser sees it (login, OTP set-up and OTP pages,
required actions, brute-force detection, the "page expired" page) in themes keycloak.v2 and
keycloak, French and English; ``application.create_client_app`` is the application on another
origin that sends the browser there and back (OpenID Connect authorization-code flow).
``sandbox.running_sandbox(flavour="keycloak")`` starts both.
"""

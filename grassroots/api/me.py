"""/me: who the token or session belongs to, and the roles they hold where."""

from ninja import Router

from grassroots.accounts.selectors import grants_of_user

from .schemas import GrantOut, MeOut

router = Router(tags=["me"])


@router.get("/me", response=MeOut, url_name="me", summary="当前用户")
def me(request):
    user = request.auth
    grants = [
        GrantOut(
            role=g.role.slug,
            role_name=g.role.label,
            organization_id=g.organization_id,
            organization_name=g.organization.name,
        )
        for g in grants_of_user(user)
    ]
    return MeOut(
        id=user.pk,
        username=user.username,
        name=user.get_full_name(),
        person_id=user.person_id,
        grants=grants,
    )

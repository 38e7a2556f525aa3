"""The shop's JSON API."""

from flask import Blueprint, abort, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from shop.db import Session
from shop.models import Customer, Order, OrderItem, Product

bp = Blueprint("shop", __name__)


def _product(product: Product) -> dict:
    return {"id": product.id, "sku": product.sku, "title": product.title, "price": str(product.price), "stock": product.stock}


@bp.get("/products")
def list_products():
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(Product).order_by(Product.id).limit(50).offset((page - 1) * 50)
    return jsonify([_product(p) for p in Session.scalars(query)])


@bp.get("/products/<int:product_id>")
def show_product(product_id: int):
    product = Session.get(Product, product_id) or abort(404)
    return jsonify(_product(product))


@bp.get("/customers/<int:customer_id>/orders")
def customer_orders(customer_id: int):
    query = (
        select(Order)
        .where(Order.customer_id == customer_id)
        .options(selectinload(Order.items))
        .order_by(Order.created_at.desc())
        .limit(20)
    )
    orders = Session.scalars(query).all()
    return jsonify([{"id": o.id, "status": o.status, "total": str(o.total)} for o in orders])


@bp.get("/orders/recent")
def recent_orders():
    orders = Session.scalars(select(Order).order_by(Order.created_at.desc()).limit(50)).all()
    return jsonify([{"id": o.id, "customer": o.customer.name, "status": o.status} for o in orders])


@bp.get("/stats")
def stats():
    pending = Session.scalars(select(Order).where(Order.status == "pending")).all()
    return jsonify({"pending_orders": len(pending)})


@bp.post("/orders")
def create_order():
    payload = request.get_json(force=True)
    customer = Session.scalar(select(Customer).where(Customer.email == payload["email"])) or abort(400)
    wanted = {int(line["product_id"]): int(line["quantity"]) for line in payload["items"]}
    products = Session.scalars(select(Product).where(Product.id.in_(wanted)).with_for_update()).all()
    if len(products) != len(wanted):
        abort(400)
    order = Order(customer=customer)
    for product in products:
        quantity = wanted[product.id]
        if product.stock < quantity:
            abort(409)
        product.stock -= quantity
        order.items.append(OrderItem(product=product, quantity=quantity, unit_price=product.price))
    Session.add(order)
    Session.commit()
    return jsonify({"id": order.id, "total": str(order.total)}), 201
